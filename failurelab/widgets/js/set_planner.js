// Set planner: load (% 1RM) and target RIR -> the reps to plan, in big numbers, and their range
// if the RIR is misjudged by the typical amount (Halperin et al. 2022's pooled 0.95 reps).
// The load-repetition formulas are closed-form (as failurelab.practice.REPS_AT_LOAD); the
// chapter-1 model's reps to failure come from Python for every offered load.
// Reference: failurelab.widgets.practice.set_plan_state / SetPlannerExplorer.describe and .card.

const FORMULAS = [  // name, reps to failure at a fraction p of 1RM, colour
  ["Epley", (p) => 30 * (1 / p - 1), COLOURS.blue],
  ["Brzycki", (p) => 37 - 36 * p, COLOURS.orange],
  ["Modified Epley", (p) => (1 / p - 1) / 0.0353 + 1, COLOURS.green],
];

function planState(load, rir, data) {  // as set_plan_state
  const p = load / 100;
  const misjudge = data.misjudgement;
  const rows = FORMULAS.map(([name, f, colour]) => {
    const r = f(p);
    const reps = Math.floor(r - rir + 1e-9);
    const planned = reps >= 1 ? reps : null;
    const misjudged = planned === null ? null : [
      Math.max(1, Math.floor(r - (rir + misjudge) + 1e-9)),
      Math.floor(r - Math.max(rir - misjudge, 0) + 1e-9)];
    return { name, colour, toFailure: r, planned, misjudged };
  });
  const reps = rows.map((row) => row.toFailure);
  const min = Math.min(...reps);
  const max = Math.max(...reps);
  const possible = rows.filter((row) => row.planned !== null);
  const impossible = rows.filter((row) => row.planned === null).map((row) => row.name);
  let message = "";
  if (!possible.length) {
    message = `No plan: at ${load} % 1RM every formula predicts at most ${num(max, 1)} reps to ` +
      `failure, so even 1 rep leaves fewer than ${rir} in reserve. Choose a lighter load or a ` +
      "lower target RIR.";
  } else if (impossible.length) {
    message = `${impossible.join(" and ")} predict${impossible.length === 1 ? "s" : ""} too few ` +
      `reps to failure for 1 rep with ${rir} in reserve at ${load} % 1RM.`;
  }
  const model = data.model[String(load)];
  const modelPlanned = Math.floor(model - rir + 1e-9);
  return {
    rows, min, max, spread: max - min, message, possible: possible.length > 0,
    range: possible.length ? [Math.min(...possible.map((r) => r.planned)), Math.max(...possible.map((r) => r.planned))] : null,
    band: possible.length ? [Math.min(...possible.map((r) => r.misjudged[0])), Math.max(...possible.map((r) => r.misjudged[1]))] : null,
    model, modelPlanned: modelPlanned >= 1 ? modelPlanned : null,
  };
}

const span = (a, b) => (a === b ? `${a}` : `${a}\u2013${b}`);

function card(s, load, rir, data) {  // as SetPlannerExplorer.card
  const style = data.card;
  if (!s.possible) {
    return `<div style="${style.big}">No plan</div><div style="${style.note}">${escapeHtml(s.message)}</div>`;
  }
  const [lo, hi] = s.range;
  const [low, high] = s.band;
  const disagree = lo !== hi ? "; a range because the formulas disagree" : "";
  return `<div style="${style.big}">Plan ${span(lo, hi)} rep${hi === 1 ? "" : "s"}</div>` +
    `<div style="${style.band}">(${span(low, high)} if your RIR judgement is off by ` +
    "the typical amount)</div>" +
    `<div style="${style.note}">${load} % 1RM, stop at ${rir} RIR` +
    `${disagree}. Typical amount: ${data.misjudgement} reps either way, the average ` +
    "under-prediction pooled by Halperin et al. 2022 (most people stop early). " +
    "Formulas give averages: your own reps to failure may differ by more.</div>";
}

let curves = null;  // the formula curves, computed once

const explorer = {
  update(params, data, ui) {
    // a calculator: the plan (the big numbers of `extra`) right under the controls
    const figure = ui && ui.el.querySelector(".fl-figure");
    if (figure && ui.extra.nextElementSibling !== figure) ui.el.insertBefore(ui.extra, figure);
    const { load, target_rir: rir } = params;
    const loads = Object.keys(data.model).map(Number);
    if (!loads.includes(load)) {
      throw new InputError(`load must be one of the loads this explorer offers (${loads[0]}, ` +
        `${loads[1]}, ..., ${loads[loads.length - 1]} % 1RM), got ${load}`);
    }
    const s = planState(load, rir, data);
    if (!curves) {
      curves = FORMULAS.map(([, f]) => Array.from({ length: 111 }, (_, k) => {
        const x = 40 + k * 0.5;
        return [x, f(x / 100)];
      }));
    }
    const left = [];
    if (s.possible) {
      left.push({ type: "rects", rects: [[38, s.range[0] - 0.5, 97, s.range[1] + 0.5]],
        colour: COLOURS.vermillion, opacity: 0.2, label: "planned reps" });
    } else {
      left.push({ type: "rects", rects: [], colour: COLOURS.vermillion, opacity: 0.2, label: "planned reps" });
    }
    FORMULAS.forEach(([name, , colour], k) => left.push({ type: "line", points: curves[k], colour, width: 2, label: name }));
    const modelPoints = loads.map((p) => [p, data.model[String(p)]]);
    left.push(
      { type: "line", points: modelPoints, colour: COLOURS.purple, width: 1.5, dash: "6 4", label: "Ch.-1 model (teaching)" },
      { type: "points", points: modelPoints, r: 2.5, colour: COLOURS.purple },
      { type: "rule", x: load, colour: COLOURS.black, width: 1, dash: "2 3" },
      { type: "points", points: s.rows.map((row) => [load, row.toFailure]), r: 4, colour: COLOURS.black },
    );

    const bars = [...s.rows.map((row) => ({ name: row.name, colour: row.colour, plan: row.planned,
      fail: row.toFailure, band: row.misjudged })),
    { name: "Ch.-1 model", colour: COLOURS.purple, plan: s.modelPlanned, fail: s.model, band: null }];
    const done = []; const reserve = []; const texts = []; const whiskers = [];
    bars.forEach((bar, k) => {
      const y = bars.length - 1 - k;
      const shown = Math.min(bar.fail, 49.5);
      const p = bar.plan || 0;
      done.push([0, y - 0.2, Math.min(p, shown), y + 0.2, bar.colour]);
      reserve.push([Math.min(p, shown), y - 0.2, shown, y + 0.2, bar.colour]);
      texts.push({ type: "text", x: 0.3, y: y + 0.3, colour: "#222",  // above the bar
        text: `${bar.name}: ` + (bar.plan ? `${bar.plan} reps, ${num(bar.fail - bar.plan, 1)} left`
          : `no plan (${num(bar.fail, 1)} to failure)`) });
      if (bar.band) {
        const [lo, hi] = bar.band;
        whiskers.push([lo, y, hi, y], [lo, y - 0.18, lo, y + 0.18], [hi, y - 0.18, hi, y + 0.18]);
      }
    });
    const misjudge = data.misjudgement;
    const panels = [
      {
        title: "Reps to failure by formula",
        x: { min: 38, max: 97, label: "Load (% 1RM)" },
        y: { min: 0, max: 50, label: "Reps to failure" },
        layers: left,
      },
      {
        title: "Where the set stops, by formula",
        x: { min: 0, max: 50, label: "Repetitions" },
        y: { min: -0.6, max: 3.9, ticks: [] },
        layers: [
          { type: "rects", rects: done, colour: COLOURS.grey, label: "planned reps" },
          { type: "rects", rects: reserve, colour: COLOURS.grey, opacity: 0.3, label: "left in reserve" },
          { type: "segments", segments: whiskers, colour: COLOURS.black, width: 2 },
          { type: "line", points: [], colour: COLOURS.black, label: `if RIR misjudged \u00b1${misjudge}` },
          ...texts,
        ],
      },
    ];

    let plan = "no plan is possible";
    if (s.possible) {
      const [lo, hi] = s.range;
      plan = lo !== hi ? `plan <b>${lo}\u2013${hi} reps</b>` : `plan <b>${lo} reps</b>`;
    }
    const lightLoad = loads[0];
    const lightReps = FORMULAS.map(([, f]) => f(lightLoad / 100));
    const light = Math.max(...lightReps) - Math.min(...lightReps);
    const note = s.message ? ` ${escapeHtml(s.message)}` : "";
    const sentence = "<b>What the figure shows</b> (load-repetition formulas, averages " +
      `not individuals; dashed: ${escapeHtml(data.model_label)}): at ${load} % 1RM the formulas ` +
      `predict ${num(s.min, 1)} to ${num(s.max, 1)} reps to failure, ` +
      `so to stop at ${rir} RIR ${plan}.${note} The formulas disagree by ` +
      `${num(s.spread, 1)} reps here and most at light loads (${num(light, 1)} ` +
      `reps at ${lightLoad} % 1RM), so the lighter the load, the less a formula ` +
      "tells you where your failure is. The formulas were built for sets of about 10 reps to " +
      "failure or fewer; beyond that (loads lighter than about 75 % 1RM) they are " +
      "extrapolations. The chapter-1 model reaches failure after " +
      `${num(s.model, 1)} reps: a teaching mapping, not a prediction for you.`;
    return {
      panels, sentence, extra: card(s, load, rir, data),
      alt: `Set planner at ${load} % 1RM, target ${rir} RIR: ` +
        (s.possible ? `plan ${span(...s.range)} reps` : "no plan possible") +
        "; reps to failure by formula and where each set stops.",
    };
  },
};
