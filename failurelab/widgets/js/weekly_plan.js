// Weekly-plan explorer: a week of sets x target RIR for a compound and an isolation exercise,
// scored by the closed-form TEACHING MODEL of failurelab.dosing (every parameter an assumption,
// sent by Python with each exercise's reps to failure by Epley).
// Reference: failurelab.widgets.practice.weekly_plan_state / WeeklyPlanExplorer.describe.

function weeklyStimulus(rir, a) {  // dosing.set_stimulus (hypertrophy): 1 - loss x RIR, >= 0
  return Math.max(0, 1 - a.hypertrophy_loss_per_rir * rir);
}

function weeklyFatigue(rir, kind, a) {  // dosing.set_fatigue: cost x (1 + extra x exp(-RIR / decay))
  const cost = kind === "compound" ? a.compound_cost : 1.0;
  return cost * (1 + a.fatigue_extra_at_failure * Math.exp(-rir / a.fatigue_decay_rir));
}

function weeklyPlan(params, data) {
  // dosing.weekly_plan with rir_bias 0, plus the comparisons of weekly_plan_state
  const a = data.assumptions;
  const rows = [];
  const allFailure = [];
  const added = { stimulus: 0.0, fatigue: 0.0 };
  ["compound", "isolation"].forEach((kind, i) => {
    const name = data.names[i];
    const sets = params[`${kind}_sets`];
    const rir = params[`${kind}_rir`];
    const last = Boolean(params[`${kind}_failure`]);
    const toFailure = data.reps_to_failure[i];
    const nFail = rir === 0 ? sets : Number(sets > 0 && last);
    const nShort = sets - nFail;
    const repsShort = nShort ? Math.floor(toFailure - rir + 1e-9) : 0;
    const repsFail = nFail ? Math.floor(toFailure + 1e-9) : 0;
    if (nShort && repsShort < 1) {
      throw new InputError(`${name}: at ${data.loads[i]} % 1RM Epley predicts ` +
        `${fixed(toFailure, 1)} reps to failure, too few for 1 rep with ${rir} in reserve; ` +
        "choose a lighter load or a lower RIR");
    }
    if (nFail && repsFail < 1) {
      throw new InputError(`${name}: at ${data.loads[i]} % 1RM Epley predicts ` +
        `${fixed(toFailure, 1)} reps to failure, less than 1 rep`);
    }
    const atFailure = weeklyFatigue(0, kind, a);
    rows.push({
      name, kind, sets, rir, last, failure_sets: nFail,
      hard_sets: rir <= a.hard_set_max_rir ? sets : nFail,
      reps: nFail * repsFail + nShort * repsShort,
      stimulus: nFail * weeklyStimulus(0, a) + nShort * weeklyStimulus(rir, a),
      fatigue: nFail * atFailure + nShort * weeklyFatigue(rir, kind, a),
    });
    allFailure.push({ stimulus: sets, fatigue: sets * atFailure });
    if (last && sets && rir > 0) {
      added.stimulus += 1 - weeklyStimulus(rir, a);
      added.fatigue += atFailure - weeklyFatigue(rir, kind, a);
    }
  });
  const sum = (list, key) => list.reduce((total, row) => total + row[key], 0);
  const totals = { name: "Week" };
  for (const key of ["sets", "hard_sets", "failure_sets", "reps", "stimulus", "fatigue"]) {
    totals[key] = sum(rows, key);
  }
  allFailure.push({ stimulus: sum(allFailure, "stimulus"), fatigue: sum(allFailure, "fatigue") });
  return { rows, totals, allFailure, added };
}

function weeklySentence(plan, label) {
  const { rows, totals: t, allFailure, added } = plan;
  if (t.sets === 0) {
    return "<b>What the figure shows</b>: no sets this week, so nothing to score. Add " +
      "sets to either exercise.";
  }
  const every = allFailure[allFailure.length - 1];
  const failureNote = added.fatigue > 0
    ? ` Taking the last set to failure adds ${num(added.stimulus)} stimulus for ` +
      `${num(added.fatigue)} fatigue, compared with stopping it at the target RIR.`
    : "";
  const planText = (row) => {
    if (row.rir === 0) return `${row.sets} sets, all to failure`;
    const last = row.last && row.sets ? ", the last to failure" : "";
    return `${row.sets} sets at ${row.rir} RIR${last}`;
  };
  return `<b>What the figure shows</b> (${escapeHtml(label)}): ` +
    `${escapeHtml(rows[0].name)} ${planText(rows[0])}; ${escapeHtml(rows[1].name)} ` +
    `${planText(rows[1])}. Week: ${t.sets} sets, ${t.hard_sets} hard, about ${t.reps} reps; ` +
    `stimulus ${num(t.stimulus, 1)} and fatigue ${num(t.fatigue, 1)}.${failureNote} Taking ` +
    `every one of these sets to failure would give stimulus ${num(every.stimulus, 1)} for ` +
    `fatigue ${num(every.fatigue, 1)} (black ticks). The strength stimulus of the model does ` +
    "not depend on RIR (Robinson et al. 2024 found no clear strength slope), so for strength " +
    `only the ${t.sets} sets count.`;
}

const WEEKLY_Y = [2, 1, 0];  // compound, isolation, week (top to bottom)

function weeklyPanel(title, xLabel, limit, bars, labels, legend, ticks) {
  const layers = [{ type: "rule", y: 0.5, colour: COLOURS.grey, width: 0.8 }, ...bars];
  if (ticks) {
    layers.push({ type: "segments", width: 3, colour: COLOURS.black, label: "same sets, all to failure",
      segments: ticks.map((x, i) => [x, WEEKLY_Y[i] - 0.3, x, WEEKLY_Y[i] + 0.14]) });
  }
  labels.forEach(([x, text], i) => {
    const right = x > 0.55 * limit;
    layers.push({ type: "text", x: right ? x : Math.max(x, 0) + 0.015 * limit,
      y: WEEKLY_Y[i] + 0.22, text, anchor: right ? "end" : "start", colour: "#111" });
  });
  return { title, x: { min: 0, max: limit, label: xLabel }, y: { min: -0.6, max: 2.75, ticks: [] },
    layers: legend ? [...legend, ...layers] : layers };
}

const explorer = {
  update(params, data) {
    const plan = weeklyPlan(params, data);
    const rows = [...plan.rows, plan.totals];
    const hardMax = data.assumptions.hard_set_max_rir;
    const box = (y, x0, x1, colour) => [x0, y - 0.3, x1, y + 0.14, colour];
    const failure = []; const hard = []; const easy = []; const stim = []; const fat = [];
    rows.forEach((row, i) => {
      const y = WEEKLY_Y[i];
      failure.push(box(y, 0, row.failure_sets));
      hard.push(box(y, row.failure_sets, row.hard_sets));
      easy.push(box(y, row.hard_sets, row.sets));
      stim.push(box(y, 0, row.stimulus));
      fat.push(box(y, 0, row.fatigue));
    });
    const [setLimit, stimLimit, fatLimit] = data.limits;
    const every = plan.allFailure;
    const panels = [
      weeklyPanel(`Sets per week (hard: \u2264 ${hardMax} RIR)`, "sets", setLimit, [
        { type: "rects", rects: failure, colour: COLOURS.vermillion, label: "failure" },
        { type: "rects", rects: hard, colour: COLOURS.blue, label: "hard" },
        { type: "rects", rects: easy, colour: COLOURS.sky, label: "easier" },
      ], rows.map((row) => [0, `${row.name}: ${row.sets} sets, ${row.reps} reps`])),
      weeklyPanel("Stimulus (teaching model)", "failure-set equivalents", stimLimit,
        [{ type: "rects", rects: stim, colour: COLOURS.green }],
        rows.map((row, i) => [Math.max(row.stimulus, every[i].stimulus), `${row.name}: ${num(row.stimulus, 1)}`]),
        null, every.map((r) => r.stimulus)),
      weeklyPanel("Fatigue cost (teaching model)", "cost (easy isolation set = 1)", fatLimit,
        [{ type: "rects", rects: fat, colour: COLOURS.orange }],
        rows.map((row, i) => [Math.max(row.fatigue, every[i].fatigue), `${row.name}: ${num(row.fatigue, 1)}`]),
        null, every.map((r) => r.fatigue)),
    ];
    const t = plan.totals;
    const ratio = t.fatigue > 0 ? `, ${num(t.stimulus / t.fatigue)} per unit fatigue` : "";
    const week = `Week: ${t.sets} sets (${t.hard_sets} hard, ${t.failure_sets} to failure), ` +
      `${t.reps} reps \u2192 stimulus ${num(t.stimulus, 1)}, fatigue ${num(t.fatigue, 1)}${ratio}`;
    return {
      panels,
      sentence: weeklySentence(plan, data.label),
      extra: `<p style="margin:0;color:#444">${escapeHtml(week)}. Weekly plan, ` +
        `${escapeHtml(data.label)}. Reps: Epley formula.</p>`,
      alt: `Weekly plan (teaching model): ${week}.`,
    };
  },
};
