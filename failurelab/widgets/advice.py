"""Chapter 4.6 explorer: the decision aid "So, should you train to failure?".

The rules live once, in :mod:`failurelab.advice`. This explorer computes the recommendation for
every input combination in Python and ships them all in its spec; the browser view only looks
the current one up (no copy of the rules in JavaScript) and draws it.
"""

from __future__ import annotations

from functools import lru_cache

from .. import advice
from .base import Explorer, dropdown


@lru_cache(maxsize=1)
def recommendation_table():
    """What the view looks up: every distinct reason once (``reasons``) and, per input
    combination (``recommendations``, keyed by :func:`failurelab.advice.key`), the
    recommendation as JSON with its reasons as indices into ``reasons``."""
    reasons, index, table = [], {}, {}
    for k, rec in advice.all_recommendations().items():
        entry = rec.as_dict()
        refs = []
        for reason in entry["reasons"]:
            tag = tuple(sorted(reason.items()))
            if tag not in index:
                index[tag] = len(reasons)
                reasons.append(reason)
            refs.append(index[tag])
        entry["reasons"] = refs
        table[k] = entry
    return dict(reasons=reasons, recommendations=table)


class AdviceExplorer(Explorer):
    """Goal, exercise, load, experience and what limits the lifter -> the target RIR range for
    most sets, whether and where a set to failure is an option, how many sets, and the reasons
    (each tagged evidence / model / heuristic, with the course section it comes from).

    :func:`failurelab.advice.recommend` is the reference; :func:`failurelab.advice.sentence`
    is the sentence the view shows under its figure.
    """

    js = "advice"
    title = "Should-you-train-to-failure decision aid"

    def __init__(self, goal="growth", exercise="compound", load="heavy", experience="experienced",
                 limit="neither"):
        self.controls = dict(
            goal=dropdown("goal", "Goal", goal, [(t, v) for v, t in advice.GOALS]),
            exercise=dropdown("exercise", "Exercise", exercise, [(t, v) for v, t in advice.EXERCISES]),
            load=dropdown("load", "Load", load, [(t, v) for v, t in advice.LOADS]),
            experience=dropdown("experience", "Experience", experience,
                                [(t, v) for v, t in advice.EXPERIENCE]),
            limit=dropdown("limit", "What limits you", limit, [(t, v) for v, t in advice.LIMITS]),
        )
        super().__init__()

    def compute(self, goal, exercise, load, experience, limit):
        rec = advice.recommend(goal, exercise, load, experience, limit)
        return dict(recommendation=rec, goal=goal, exercise=exercise, load=load,
                    experience=experience, limit=limit, rir=rec.rir, failure=rec.failure)

    def data(self):
        return dict(order=list(advice.INPUTS), **recommendation_table())

    def describe(self, state):
        return advice.sentence(state["recommendation"])
