// Training-log explorer: one exercise's best e1RM per session (analysed by failurelab.logs in
// Python, the only loader) and the transparent performance-drop flag, a HEURISTIC of this course,
// applied here as in failurelab.logs.flag_trend.
// Reference: failurelab.widgets.monitoring.log_state / LogExplorer.describe.

const DAY_MS = 86400000;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function dayNumber(iso) {  // "2024-05-01" -> days since 1970-01-01 (UTC, no time zone)
  const [y, m, d] = iso.split("-").map(Number);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function flagRule(e1rm, failureSets, sets, threshold, sessions, words) {
  // failurelab.logs.flag_trend (window None): the best of the earlier sessions, the drop below
  // it, "below" when the drop is more than the threshold, the run of below sessions, the flag
  const out = [];
  let best = NaN; let run = 0; let runFailures = 0;
  for (let i = 0; i < e1rm.length; i++) {
    const prior = best;
    const drop = 1 - e1rm[i] / prior;
    const below = Number.isFinite(drop) && drop > threshold + 1e-9;
    if (below) { run += 1; runFailures += failureSets[i]; } else { run = 0; runFailures = 0; }
    const flag = run >= sessions;
    let suggestion = "";
    if (flag) {
      const start = `e1RM ${fixed(drop * 100, 0)}% below the earlier best for ${run} sessions in a row; `;
      suggestion = runFailures
        ? `${start}${words.suggestion} (${failureSets[i]} of ${sets[i]} sets to failure this session)`
        : start + words.no_failure_suggestion;
    }
    out.push({ prior, drop, below, run, flag, suggestion });
    best = Number.isNaN(best) ? e1rm[i] : Math.max(best, e1rm[i]);
  }
  return out;
}

function dateTicks(lo, hi) {
  // month starts (every 1, 2, 3, 6 or 12 months) for a long log, else weeks or days
  const first = new Date(lo * DAY_MS);
  const span = hi - lo;
  const ticks = [];
  if (span > 75) {
    const step = [1, 2, 3, 6, 12].find((s) => span / (30.4 * s) <= 6) || 24;
    for (let month = first.getUTCFullYear() * 12 + first.getUTCMonth(); ; month += 1) {
      const t = Date.UTC(Math.floor(month / 12), month % 12, 1) / DAY_MS;
      if (t > hi) break;
      if (t >= lo && month % step === 0) ticks.push(t);
    }
    return { ticks, text: (t) => { const d = new Date(t * DAY_MS); const mo = d.getUTCMonth();
      return mo === 0 || t === ticks[0] ? `${MONTHS[mo]} ${d.getUTCFullYear()}` : MONTHS[mo]; } };
  }
  const step = [1, 2, 7, 14].find((s) => span / s <= 6) || 28;
  for (let t = Math.ceil(lo); t <= hi; t += 1) {
    if (step < 7 ? (t - Math.ceil(lo)) % step === 0 : (t + 3) % 7 === 0 && ((t + 3) / 7) % (step / 7) === 0) ticks.push(t);
  }
  return { ticks, text: (t) => { const d = new Date(t * DAY_MS);
    return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`; } };
}

function logSentence(data, s) {
  const plural = (n, word) => `${word}${n === 1 ? "" : "s"}`;
  let text = `<b>What the figure shows</b> (${escapeHtml(data.source)}): ${s.n} sessions of ` +
    `${escapeHtml(s.exercise)} from ${s.first} to ${s.last}, ${s.failureSets} of ${s.sets} sets ` +
    `to failure. The best e1RM was ${num(s.best, 1)} kg, the last ${num(s.lastE1rm, 1)} kg. ` +
    `${s.below} ${plural(s.below, "session")} fell more than ${pct(s.threshold)} below the ` +
    "earlier best";
  if (s.flagged) {
    const k = s.flaggedFailureSets;
    const sets = k ? `had ${k} ${plural(k, "set")} to failure` : "had no set to failure";
    text += `; ${s.flagged} ${s.flagged === 1 ? "was" : "were"} flagged (at least ${s.sessions} ` +
      `in a row), the first on ${s.firstFlag}: \u201c${escapeHtml(s.suggestion)}\u201d. The ` +
      `flagged ${plural(s.flagged, "session")} ${sets}.`;
  } else {
    text += `; none was flagged (${s.sessions} in a row needed).`;
  }
  if (data.skipped.length) {
    text += " Not in the list (no set with reps and load above 0, so no e1RM): " +
      `${escapeHtml(data.skipped.join(", "))}.`;
  }
  return text + ` The flag is ${escapeHtml(data.heuristic)}: a single low session is often ` +
    "just a bad day, and a drop can have many causes besides failure sets.";
}

const short = (text, width) => (text.length <= width ? text : `${text.slice(0, width - 1).trimEnd()}\u2026`);

const explorer = {
  update(params, data) {
    const ex = data.exercises[params.exercise];
    if (!ex) {
      throw new InputError(`exercise ${params.exercise} is not in this log; choose one of ` +
        Object.keys(data.exercises).join(", "));
    }
    const { threshold, sessions } = params;
    const rows = flagRule(ex.e1rm, ex.failure_sets, ex.sets, threshold, sessions, data);
    const x = ex.dates.map(dayNumber);
    const n = x.length;
    const flagged = rows.map((r, i) => i).filter((i) => rows[i].flag);
    const s = {
      exercise: params.exercise, threshold, sessions, n, first: ex.dates[0], last: ex.dates[n - 1],
      sets: ex.sets.reduce((a, b) => a + b, 0),
      failureSets: ex.failure_sets.reduce((a, b) => a + b, 0),
      best: Math.max(...ex.e1rm), lastE1rm: ex.e1rm[n - 1],
      below: rows.filter((r) => r.below).length, flagged: flagged.length,
      firstFlag: flagged.length ? ex.dates[flagged[0]] : null,
      flaggedFailureSets: flagged.reduce((a, i) => a + ex.failure_sets[i], 0),
      suggestion: flagged.length ? rows[flagged[0]].suggestion : "",
    };
    // axes as in the old figure: room above the data for the flags, below for the 20 % line
    const steps = x.slice(1).map((v, i) => v - x[i]).sort((a, b) => a - b);
    const step = steps.length ? (steps.length % 2 ? steps[(steps.length - 1) / 2]
      : (steps[steps.length / 2 - 1] + steps[steps.length / 2]) / 2) : 1;
    const pad = Math.max(step, 1);
    const xr = { min: x[0] - pad, max: x[n - 1] + pad };
    const ticks = dateTicks(xr.min, xr.max);
    const xAxis = { ...xr, ticks: ticks.ticks, tickText: ticks.text };
    const top = s.best;
    const low = Math.min(Math.min(...ex.e1rm), top * (1 - data.threshold_max));
    const y = { min: low - 0.04 * (top - low) - 1, max: top + 0.3 * (top - low) + 1 };
    const steps2 = (values) => {  // steps-post line through the sessions that have a value
      const pts = [];
      values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) return;
        pts.push([x[i], v]);
        pts.push([i + 1 < n ? x[i + 1] : x[i], v]);
      });
      return pts;
    };
    const prior = rows.map((r) => r.prior);
    const flagY = y.max - 0.17 * (y.max - y.min);
    const width = 0.7 * Math.min(step, 7);
    const topSets = Math.max(Math.max(...ex.sets), 1) * 1.35;
    const setStep = Math.max(1, Math.ceil(Math.max(...ex.sets) / 3));  // whole sets on the axis
    const setTicks = [];
    for (let k = 0; k <= topSets; k += setStep) setTicks.push(k);
    const title = `${short(params.exercise, 24)}: e1RM per session${data.simulated ? " (simulated)" : ""}`;
    const panels = [
      {
        title,
        x: xAxis,
        y: { ...y, label: "e1RM (kg)" },
        layers: [
          { type: "line", points: x.map((v, i) => [v, ex.e1rm[i]]), colour: COLOURS.blue, width: 1.5,
            label: "session best e1RM" },
          { type: "points", points: x.map((v, i) => [v, ex.e1rm[i]]), colour: COLOURS.blue, r: 2.5 },
          { type: "line", points: steps2(prior), colour: COLOURS.grey, width: 1.2, dash: "5 4",
            label: "earlier best" },
          { type: "line", points: steps2(prior.map((p) => p * (1 - threshold))), colour: COLOURS.orange,
            width: 1.5, dash: "2 3", label: "threshold" },
          { type: "points", points: rows.map((r, i) => [x[i], ex.e1rm[i], "none"]).filter((p, i) => rows[i].below),
            colour: COLOURS.orange, stroke: COLOURS.orange, r: 5.5, label: "below" },
          { type: "points", points: [], colour: COLOURS.vermillion, label: "flagged" },
          ...flagged.map((i) => ({ type: "text", x: x[i], y: flagY, text: "\u25bc", anchor: "middle",
            colour: COLOURS.vermillion })),
        ],
      },
      {
        title: "Sets per session",
        x: xAxis,
        y: { min: 0, max: topSets, label: "Sets", ticks: setTicks },
        layers: [
          { type: "rects", colour: COLOURS.vermillion, label: "sets to failure",
            rects: x.map((v, i) => [v - width / 2, 0, v + width / 2, ex.failure_sets[i]]) },
          { type: "rects", colour: COLOURS.sky, label: "other sets",
            rects: x.map((v, i) => [v - width / 2, ex.failure_sets[i], v + width / 2, ex.sets[i]]) },
          { type: "text", x: xr.max - 0.01 * (xr.max - xr.min), y: topSets * 0.9, anchor: "end",
            colour: "#111", text: `${pct(threshold)}, ${sessions} in a row: ${s.flagged} of ${n} flagged` },
        ],
      },
    ];
    const extra = `<p style="margin:0;color:#444">e1RM: ${escapeHtml(data.formula)} on reps + RIR, ` +
      `from ${escapeHtml(data.source)}. Flag (${escapeHtml(data.heuristic)}): e1RM below the ` +
      "threshold line for several sessions in a row.</p>" +
      (data.note ? `<p style="margin:4px 0 0"><b>${escapeHtml(data.note)}</b></p>` : "");
    return {
      panels, sentence: logSentence(data, s), extra,
      alt: `${params.exercise}: e1RM per session from ${s.first} to ${s.last}; ${s.flagged} of ${n} ` +
        "sessions flagged.",
    };
  },
};
