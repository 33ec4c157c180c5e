// Effect-size explorer: two normal distributions d SDs apart (closed form), Cohen's U3, overlap,
// probability of superiority, NNT at a control event rate, the difference in your units, and
// a "guess the d" game (rpsychologist.com/cohend is the model).
// Reference: failurelab.widgets.evidence.effect_size_state / EffectSizeExplorer.describe.

const pySigned = (x, places = 2) => (x > 0 ? "+" : "") + pyNum(x, places);

// -- the figure and the sentence ------------------------------------------------------------

const GRID = 241;  // points per curve
const GAME_X = [-7, 8];  // the game's axis (no numbers shown)
const SHARED = ["d", "cer", "sd_thickness", "sd_1rm"];  // moving one of them ends a round
const CONTROL_LABELS = { d: "d", cer: "the control event rate", sd_thickness: "an SD", sd_1rm: "an SD" };

const xRange = (d) => (d >= -1 && d <= 2 ? [-4.4, 5.4] : [-6.4, 6.4]);

function curves(mean0, mean1, sd, lo, hi) {
  // the two groups' densities on a grid, their overlap, and the failure group above mean0
  const nf = []; const f = []; const both = []; const above = []; const zero = []; const zeroAbove = [];
  const pdf = (x, m) => normalPdf((x - m) / sd) / sd;
  for (let i = 0; i < GRID; i++) {
    const x = lo + ((hi - lo) * i) / (GRID - 1);
    const a = pdf(x, mean0); const b = pdf(x, mean1);
    nf.push([x, a]); f.push([x, b]); both.push([x, Math.min(a, b)]); zero.push([x, 0]);
    if (x >= mean0) { above.push([x, b]); zeroAbove.push([x, 0]); }
  }
  above.unshift([mean0, pdf(mean0, mean1)]); zeroAbove.unshift([mean0, 0]);
  return { nf, f, both, above, zero, zeroAbove };
}

function distributionLayers(c, legend = true) {
  return [
    { type: "area", upper: c.both, lower: c.zero, colour: COLOURS.grey, opacity: 0.35, label: legend ? "Overlap" : "" },
    { type: "area", upper: c.above, lower: c.zeroAbove, colour: COLOURS.orange, opacity: 0.22,
      label: legend ? "Above non-failure mean (U3)" : "" },
    { type: "line", points: c.nf, colour: COLOURS.blue, label: "Non-failure" },
    { type: "line", points: c.f, colour: COLOURS.orange, label: "Failure" },
  ];
}

function describe(s) {
  // the same words and numbers as EffectSizeExplorer.describe
  const { d, cer, nnt } = s;
  const sds = s.exampleSds ? "example SDs \u2014 type your own" : "your SDs";
  let sign;
  if (d > 0) sign = "Positive d favours failure.";
  else if (d < 0) sign = "Negative d favours non-failure: the non-failure group gains more.";
  else sign = "d = 0: no difference between the groups.";
  const base = `If ${pct(cer)} of the non-failure group count as responders (the control event rate)`;
  let nntText;
  if (!Number.isFinite(nnt)) {
    nntText = `${base}, as many respond with failure: no number of people trained to failure adds a responder.`;
  } else {
    const of100 = `${num(100 * cer, 0)} of 100 respond without failure, ${num(100 * (cer + 1 / nnt), 1)} of 100 with it`;
    nntText = nnt > 0
      ? `${base}, about ${num(nnt, 1)} people would have to train to failure for one extra responder (the number needed to treat): ${of100}.`
      : `${base}, about one in ${num(-nnt, 1)} people training to failure would lose a response they would have had without failure (the number needed to harm): ${of100}.`;
  }
  return "<b>What the figure shows</b> (two normal distributions with equal SDs, not " +
    `data): d = ${num(d)}. ${sign} ` +
    `<b>U3:</b> ${pct(s.u3)} of the failure group is above the mean of the ` +
    "non-failure group (50 % would mean no difference). " +
    `<b>Overlap:</b> the two distributions overlap by ${pct(s.overlap)}. ` +
    "<b>Probability of superiority:</b> a person picked at random from the failure " +
    `group has a ${pct(s.ps)} chance of gaining more than one ` +
    `picked at random from the non-failure group (50 % = a coin flip). ${nntText} ` +
    `<b>In your units</b> (${sds}): ${pySigned(s.thicknessMm, 2)} mm of ` +
    `muscle thickness with an SD of ${num(s.sdThickness, 1)} mm, and ` +
    `${pySigned(s.oneRmKg, 1)} kg of 1RM with an SD of ` +
    `${num(s.sd1rm, 1)} kg: a difference between group averages, not what each ` +
    "person gains. Use the SD the SMD was standardised by: most often the SD between " +
    "people before training, several times the SD of a 10-week change.";
}

function state(params, data) {
  const { d, sd_thickness: sdThickness, sd_1rm: sd1rm } = params;
  const check = (name, value, lo, hi) => {
    if (typeof value !== "number" || !(value >= lo && value <= hi)) {
      throw new InputError(`${name} must be from ${lo} to ${hi} in this explorer, got ${value}`);
    }
  };
  check("d", d, -1, 2); check("cer", params.cer, 1, 99); check("guess", params.guess, -1, 2);
  check("sd_thickness", sdThickness, 0.1, 100); check("sd_1rm", sd1rm, 0.5, 1000);
  const cer = params.cer / 100;
  const gain = normalCdf(d + normalQuantile(cer)) - cer;  // Furukawa & Leucht 2011
  return {
    d, cer, sdThickness, sd1rm,
    u3: normalCdf(d), overlap: 2 * normalCdf(-Math.abs(d) / 2), ps: normalCdf(d / Math.SQRT2),
    nnt: Math.abs(gain) < 1e-12 ? Infinity : 1 / gain,
    thicknessMm: d * sdThickness, oneRmKg: d * sd1rm,
    exampleSds: sdThickness === data.example_sds[0] && sd1rm === data.example_sds[1],
  };
}

function mainPanels(s, guess) {
  const { d } = s;
  const [lo, hi] = xRange(d);
  const c = curves(0, d, 1, lo, hi);
  const cut = -normalQuantile(s.cer);  // the non-failure group above it: the control event rate
  let title;
  if (d > 0) title = `d = ${num(d)}: failure mean ${num(d)} SD higher`;
  else if (d < 0) title = `d = ${num(d)}: failure mean ${num(-d)} SD lower`;
  else title = "d = 0: the two groups are the same";
  const layers = [
    ...distributionLayers(c),
    { type: "rule", x: 0, colour: COLOURS.blue, dash: "5 4", width: 1.2 },
    { type: "rule", x: d, colour: COLOURS.orange, dash: "5 4", width: 1.2 },
    { type: "rule", x: cut, colour: COLOURS.black, dash: "2 3", width: 1.2, label: "Responder cut-off (CER)" },
  ];
  if (guess !== undefined) {
    layers.push({ type: "rule", x: guess, colour: COLOURS.purple, width: 2.5, dash: "6 3", label: "Your guess" });
  }
  const unit = (y, what, value, sd, u, places) => [
    { type: "rects", rects: [[-1, y - 0.3, 1, y + 0.3]], colour: COLOURS.grey, opacity: 0.35 },
    { type: "rects", rects: [[0, y - 0.14, d, y + 0.14]], colour: COLOURS.orange },
    { type: "text", x: -2.4, y: y + 0.42, text: `${what}: ${pySigned(value, places)} ${u} (SD ${num(sd, 1)} ${u})`, colour: "#222" },
  ];
  const units = {
    title: `In your units (${s.exampleSds ? "example SDs: type yours" : "your SDs"})`,
    x: { min: -2.5, max: 2.5, label: "In SDs of each outcome" },
    y: { min: 0.3, max: 3, ticks: [] },
    layers: [
      { type: "rects", rects: [], colour: COLOURS.grey, opacity: 0.35, label: "\u00b11 SD between people" },
      { type: "rects", rects: [], colour: COLOURS.orange, label: "Group difference" },
      ...unit(2, "Thickness", s.thicknessMm, s.sdThickness, "mm", 2),
      ...unit(1, "1RM", s.oneRmKg, s.sd1rm, "kg", 1),
      { type: "rule", x: 0, colour: COLOURS.blue, dash: "5 4", width: 1.2 },
    ],
  };
  return [{
    title,
    x: { min: lo, max: hi, label: "Gain (in SDs between people)" },
    y: { min: 0, max: 0.62, ticks: [] },
    layers,
  }, units];
}

// -- the game: guess the d -----------------------------------------------------------------

const STEPS = 20;  // the game's d and the guess move in steps of 1/20 = 0.05

function game(ui) {
  if (!ui.state.game) ui.state.game = { round: null, played: 0, within: 0, missed: 0, last: null, note: "" };
  return ui.state.game;
}

function gameHtml(g) {
  const parts = [];
  if (g.note) parts.push(`<p class="fl-game-note">${escapeHtml(g.note)}</p>`);
  if (g.round) {
    parts.push("<p class=\"fl-game-round\"><b>Guess the d:</b> the figure shows a new pair of groups. " +
      "Set \u201cYour guess (d)\u201d, then press \u201cCheck my guess\u201d.</p>");
  }
  if (g.last) {
    const { target, guess, steps } = g.last;
    const off = num(Math.abs(steps) / STEPS);
    let text;
    if (steps === 0) text = `Spot on: the true d was ${num(target)}, and you guessed ${num(guess)}.`;
    else {
      text = `${Math.abs(steps) <= 2 ? "Close: the" : "The"} true d was ${num(target)}; your guess, ` +
        `${num(guess)}, was ${off} too ${steps > 0 ? "high" : "low"}.`;
    }
    parts.push(`<p class="fl-game-feedback" data-target="${target}" data-guess="${guess}"><b>${escapeHtml(text)}</b> ` +
      "The figure now shows that d (your guess: the purple line).</p>");
  }
  if (g.played) {
    parts.push(`<p class="fl-game-score" data-played="${g.played}" data-within="${g.within}">Score: ${g.within} of ` +
      `${g.played} ${g.played === 1 ? "guess" : "guesses"} within 0.10 of the true d ` +
      `(mean miss ${num(g.missed / g.played / STEPS)}).</p>`);
  }
  return parts.join("");
}

function gameResult(round) {
  // the pair to guess: no numbers on the axis, and the SD and position change from round to
  // round, so only the gap between the means against the width of the curves tells d
  const { target, scale, shift } = round;
  const c = curves(shift, shift + target * scale, scale, GAME_X[0], GAME_X[1]);
  return {
    panels: [{
      title: "Guess the d: how many SDs apart?",
      x: { min: GAME_X[0], max: GAME_X[1], ticks: [], label: "Gain (units hidden)" },
      y: { min: 0, max: 0.62 / scale, ticks: [] },
      layers: [
        ...distributionLayers(c, false),
        { type: "rule", x: shift, colour: COLOURS.blue, dash: "5 4", width: 1.2 },
        { type: "rule", x: shift + target * scale, colour: COLOURS.orange, dash: "5 4", width: 1.2 },
      ],
    }],
    sentence: "<b>Guess the d</b> (two normal distributions with equal SDs, not data): how many " +
      "SDs apart are the two means? The axis has no numbers and the SD changes from round to " +
      "round: judge the gap between the dashed lines against the width of the curves.",
    alt: "Guess the d: two normal curves, the non-failure group in blue and the failure group in orange, with no numbers on the axis.",
  };
}

const explorer = {
  update(params, data, ui) {
    if (!ui.el.failurelabMaths) ui.el.failurelabMaths = { normalCdf, normalQuantile };  // for the tests
    const g = game(ui);
    if (g.round) {
      const moved = SHARED.filter((name) => params[name] !== g.round.params[name]);
      if (!moved.length) {
        g.note = "";
        return { ...gameResult(g.round), extra: gameHtml(g) };
      }
      g.round = null;
      g.note = `Round over, not scored: you moved ${CONTROL_LABELS[moved[0]]}. Press \u201cGuess the d: new pair\u201d to play again.`;
    }
    const s = state(params, data);
    if (g.last && params.d !== g.last.target) g.last = null;
    const panels = mainPanels(s, g.last ? g.last.guess : undefined);
    const result = {
      panels, sentence: describe(s), extra: gameHtml(g),
      alt: `Two normal curves ${num(Math.abs(s.d))} SD apart: U3 ${pct(s.u3)}, overlap ${pct(s.overlap)}, ` +
        `probability of superiority ${pct(s.ps)}; in your units ${pySigned(s.thicknessMm, 2)} mm and ${pySigned(s.oneRmKg, 1)} kg.`,
    };
    g.note = "";
    return result;
  },

  action(name, params, data, ui) {
    const g = game(ui);
    g.note = "";
    if (name === "new_d") {
      g.round = {
        target: Math.round(Math.random() * 2 * STEPS) / STEPS,  // 0 to 2 in steps of 0.05
        scale: 0.6 + 0.6 * Math.random(),
        shift: -2.5 + 2.5 * Math.random(),
        params: { ...params },
      };
      g.last = null;
      return params;
    }
    if (name === "check") {
      if (!g.round) {
        g.note = "Press \u201cGuess the d: new pair\u201d first: it draws a pair of groups to guess.";
        return params;
      }
      const { target } = g.round;
      const steps = Math.round((params.guess - target) * STEPS);
      g.played += 1;
      g.missed += Math.abs(steps);
      if (Math.abs(steps) <= 2) g.within += 1;
      g.last = { target, guess: params.guess, steps };
      g.round = null;
      return { ...params, d: target };  // reveal: the figure and the sentence for the true d
    }
    return params;
  },
};
