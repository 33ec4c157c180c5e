// CI and sample-size explorer: a dance of seeded synthetic replications (Hedges' g with its
// normal 95 % CI, recomputed from the standard normal draws Python ships), the power of one
// study against n (noncentral t by quadrature, with Python's t quantiles), and "Run another
// study": new, unseeded studies simulated here, each with its t-based 95 % CI.
// Reference: failurelab.widgets.evidence.ci_state / CIExplorer.describe.

// -- data from Python -------------------------------------------------------------------------


const decodedData = new WeakMap();

function decode(data) {
  let m = decodedData.get(data);
  if (!m) {
    const tCrit = f64(data.t_crit);
    m = { draws: f64(data.draws), J: f64(data.J), z: f64(data.z)[0], tCrit: new Map(data.ns.map((n, i) => [n, tCrit[i]])),
      curves: new Map() };
    decodedData.set(data, m);
  }
  return m;
}

const POWER_NODES = 96;  // error below 1e-13 against statsmodels (tests)

// -- statistics ---------------------------------------------------------------------------------

function seededStudies(m, data, d, n) {
  // Hedges' g and its normal 95 % CI for each replication: failurelab.effect_sizes.smd on the
  // first n rows of the draws (shape n_max x replications x 2; failure = draw + d)
  const R = data.replications; const z = m.draws;
  const J = m.J[n - data.j_from]; const df = 2 * n - 2;
  const out = [];
  for (let r = 0; r < R; r++) {
    let s1 = 0; let s2 = 0;
    for (let i = 0; i < n; i++) { s1 += z[(i * R + r) * 2] + d; s2 += z[(i * R + r) * 2 + 1]; }
    const m1 = s1 / n; const m2 = s2 / n;
    let q1 = 0; let q2 = 0;
    for (let i = 0; i < n; i++) {
      const a = z[(i * R + r) * 2] + d - m1; const b = z[(i * R + r) * 2 + 1] - m2;
      q1 += a * a; q2 += b * b;
    }
    const sd1 = Math.sqrt(q1 / (n - 1)); const sd2 = Math.sqrt(q2 / (n - 1));
    const sp = Math.sqrt(((n - 1) * sd1 ** 2 + (n - 1) * sd2 ** 2) / df);
    const g = J * ((m1 - m2) / sp);
    const se = Math.sqrt(1 / n + 1 / n + g ** 2 / (2 * (n + n)));
    out.push({ g, lo: g - m.z * se, hi: g + m.z * se });
  }
  return out;
}

function power(d, n, crit, nodes = POWER_NODES) {
  // two-sided t-test, n per group: E[Phi(delta - c U) + Phi(-delta - c U)] over U = sqrt(V / df),
  // V ~ chi-square(df); the trapezoidal rule in t = ln U, where U's density is smooth and
  // decays fast on both sides (weights normalised to sum 1)
  const df = 2 * n - 2; const delta = Math.abs(d) * Math.sqrt(n / 2);
  const sd = 1 / Math.sqrt(2 * df);  // of t near its mode, t = 0
  const lo = -Math.max(12 * sd, 40 / df); const hi = 9 * sd;
  const h = (hi - lo) / (nodes - 1);
  let weights = 0; let sum = 0;
  for (let i = 0; i < nodes; i++) {
    const t = lo + i * h; const u = Math.exp(t);
    const w = Math.exp(df * (t - (u * u - 1) / 2)) * (i === 0 || i === nodes - 1 ? 0.5 : 1);
    weights += w;
    sum += w * (normalCdf(delta - crit * u) + normalCdf(-delta - crit * u));
  }
  return sum / weights;
}

function tInterval(a, b, crit) {
  // difference in means with its 95 % CI, t with n1 + n2 - 2 df (pooled variance)
  const mean = (x) => x.reduce((s, v) => s + v, 0) / x.length;
  const m1 = mean(a); const m2 = mean(b);
  const ss = (x, m) => x.reduce((s, v) => s + (v - m) ** 2, 0);
  const df = a.length + b.length - 2;
  const se = Math.sqrt(((ss(a, m1) + ss(b, m2)) / df) * (1 / a.length + 1 / b.length));
  const diff = m1 - m2;
  return { diff, lo: diff - crit * se, hi: diff + crit * se };
}

function normalDraw() {  // Box-Muller (the cosine half): two uniforms per draw
  const u1 = 1 - Math.random(); const u2 = Math.random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function runStudy(d, n, crit) {
  const failure = []; const control = [];
  for (let i = 0; i < n; i++) failure.push(d + normalDraw());
  for (let i = 0; i < n; i++) control.push(normalDraw());
  const s = tInterval(failure, control, crit);
  return { ...s, covers: s.lo <= d && d <= s.hi };
}

const groupDigits = (x) => String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

// -- the view -------------------------------------------------------------------------------

const MAX_RUNS = 400;
const CI_TICKS = [-2, -1, 0, 1, 2, 3];
const POWER_TICKS = [5, 10, 50, 100, 500, 1000, 5000, 10000];
const nLabel = (x) => (x >= 1000 ? `${x / 1000}k` : String(x));

function runs(ui, d, n) {
  const key = `${d}|${n}`;
  if (!ui.state.runs) ui.state.runs = { key, list: [], note: "" };
  const r = ui.state.runs;
  if (r.key !== key) {
    if (r.list.length) r.note = "Your studies were cleared: d or n changed (they were run at the old setting).";
    r.key = key; r.list = [];
  }
  return r;
}

function runsHtml(r, d, n, crit, ui, xlim) {
  // the studies run here: a sentence, then their own figure (under the explorer's sentence)
  const note = r.note ? `<p class="fl-runs-note">${escapeHtml(r.note)}</p>` : "";
  const count = r.list.length;
  if (!count) {
    return note + "<p class=\"fl-runs\" data-count=\"0\">Press \u201cRun another study\u201d to simulate a " +
      "study of your own (not seeded, so different every time): its 95 % CI is drawn below, " +
      "and the count of intervals that miss the true d runs on.</p>";
  }
  const rows = r.list.map((x) => ({ ...x, point: x.diff, open: x.lo <= 0 && 0 <= x.hi }));
  const missed = rows.filter((x) => !x.covers).length;
  const last = r.list[count - 1];
  const text = `<p class="fl-runs" data-count="${count}" data-missed="${missed}" ` +
    `data-diff="${last.diff}" data-lo="${last.lo}" data-hi="${last.hi}"><b>Studies you ran</b> ` +
    `(simulated in your browser, not seeded): ${count} ${count === 1 ? "study" : "studies"} with ` +
    `${n} people per group; ${missed} missed the true d = ${num(d)} and ${count - missed} covered it ` +
    `(${pct((count - missed) / count)}; in the long run 95 % do). Each interval is the difference ` +
    `between the group means (in SDs: the simulated SD is 1) \u00b1 ${num(crit, 3)} (t with ` +
    `${2 * n - 2} df) \u00d7 its standard error. Latest: ${num(last.diff)} (95 % CI ${num(last.lo)} ` +
    `to ${num(last.hi)}).</p>`;
  const width = Math.max(280, Math.floor(ui.el.clientWidth || 640));
  const font = parseFloat(getComputedStyle(ui.el).getPropertyValue("--fl-font")) || 13;  // as mount()
  const panel = {
    title: `Your studies: ${missed} of ${count} miss the true d`,
    x: { min: xlim[0], max: xlim[1], ticks: CI_TICKS, label: "Mean difference (SDs), 95 % t CI (\u25cb = crosses 0)" },
    y: { min: 0.2, max: count + 0.8, ticks: [], label: "Study run here (simulated)" },
    layers: ciLayers(rows, d, xlim, true),
  };
  const alt = `Your ${count} simulated studies: ${missed} of their 95 % CIs miss the true d = ${num(d)}.`;
  return note + text + `<div class="fl-runs-figure" role="img" aria-label="${escapeHtml(alt)}">` +
    `${chart([panel], width, font)}</div>`;
}

function ciLayers(rows, d, [xmin, xmax], labels) {
  // rows: [{lo, hi, point, covers, open}] drawn top to bottom
  const count = rows.length;
  const y = (i) => count - i;
  const seg = (keep) => rows.flatMap((s, i) => (keep(s) ? [[s.lo, y(i), s.hi, y(i)]] : []));
  const pts = (keep) => rows.flatMap((s, i) => (keep(s) ? [[s.point, y(i)]] : []));
  const width = count > 60 ? 1.2 : 2;
  const r = count > 60 ? 2 : 4;
  const clippedLow = rows.flatMap((s, i) => (s.lo < xmin ? [{ type: "text", x: xmin, y: y(i) - 0.25, text: "\u25c2", colour: "#000" }] : []));
  const clippedHigh = rows.flatMap((s, i) => (s.hi > xmax ? [{ type: "text", x: xmax, y: y(i) - 0.25, text: "\u25b8", anchor: "end", colour: "#000" }] : []));
  return [
    { type: "rule", x: 0, colour: COLOURS.black, width: 1 },
    { type: "segments", segments: seg((s) => s.covers), colour: COLOURS.blue, width, label: labels ? "CI includes true d" : "" },
    { type: "segments", segments: seg((s) => !s.covers), colour: COLOURS.vermillion, width, label: labels ? "CI misses true d" : "" },
    { type: "points", points: pts((s) => s.covers && !s.open), colour: COLOURS.blue, r },
    { type: "points", points: pts((s) => !s.covers && !s.open), colour: COLOURS.vermillion, r },
    { type: "points", points: pts((s) => s.covers && s.open), colour: "#ffffff", stroke: COLOURS.blue, r },
    { type: "points", points: pts((s) => !s.covers && s.open), colour: "#ffffff", stroke: COLOURS.vermillion, r },
    { type: "rule", x: d, colour: COLOURS.green, width: 2, dash: "6 4", label: labels ? "True d" : "" },
    ...clippedLow, ...clippedHigh,
  ];
}

function powerPanel(m, data, d, n, pw, n80) {
  let curve = m.curves.get(d);
  if (!curve) {
    curve = data.n_grid.map((k) => [Math.log10(k), power(d, k, m.tCrit.get(k))]);
    m.curves.set(d, curve);
  }
  const x = (k) => Math.log10(k);
  const layers = [
    { type: "rule", y: 0.8, colour: COLOURS.grey, dash: "2 3", width: 1 },
    { type: "text", x: x(4.6), y: 0.83, text: "80 % power", colour: "#555" },
    { type: "line", points: curve, colour: COLOURS.blue, width: 2 },
  ];
  if (n80 === null) {
    layers.push({ type: "text", x: x(9000), y: 0.45, text: "d = 0: power stays at 5 % at every n", anchor: "end", colour: "#222" });
  } else if (n80 > data.n_axis[1]) {
    layers.push({ type: "text", x: x(9000), y: 0.45, text: `80 % power needs n = ${groupDigits(n80)} (off axis)`, anchor: "end", colour: "#222" });
  } else {
    const left = n80 > 60;
    layers.push({ type: "rule", x: x(n80), colour: COLOURS.black, dash: "5 4", width: 1 },
      { type: "text", x: x(left ? n80 / 1.2 : n80 * 1.2), y: 0.45, anchor: left ? "end" : "start",
        text: `80 % power: n = ${groupDigits(n80)}`, colour: "#222" });
  }
  layers.push({ type: "points", points: [[x(n), pw]], colour: COLOURS.vermillion, r: 6 },
    { type: "text", x: x(n * 1.15), y: pw + (pw > 0.85 ? -0.09 : 0.03), text: `n = ${n}: ${pct(pw)}`, colour: COLOURS.vermillion });
  return {
    title: `Power of one study at true d = ${num(d)}`,
    x: { min: x(data.n_axis[0]), max: x(data.n_axis[1]), label: "n per group (log scale)",
      ticks: POWER_TICKS.map(x), tickText: (t) => nLabel(Math.round(10 ** t)) },
    y: { min: 0, max: 1.03, label: "Power (two-sided, \u03b1 = 0.05)", ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] },
    layers,
  };
}

function describe(s) {
  // the same words and numbers as CIExplorer.describe
  const { d, n, r, n80 } = s;
  const need = n80 === null ? "no n gives power against d = 0 (power stays at 5 %)"
    : `${groupDigits(n80)} per group are needed for 80 % power`;
  return `<b>What the figure shows</b> (${r} synthetic studies, simulated with true d = ` +
    `${num(d)}): with ${n} people per group each 95 % CI is about \u00b1` +
    `${num(s.halfWidth)} wide, and a study has ${pct(s.power)} power ` +
    `(chance of p &lt; 0.05); ${need}. ${s.nCross} of ${r} CIs cross zero and ` +
    `${s.nMiss} of ${r} miss the true d (about 1 in 20 is expected to). ` +
    (s.nCross && d !== 0 ? `${s.both} of the CIs that cross zero also include the true d = ${num(d)}: ` : "") +
    "a CI crossing zero is not \u201cno effect\u201d; it says the study cannot tell " +
    "a zero effect from the effects inside its interval.";
}

const explorer = {
  update(params, data, ui) {
    const m = decode(data);
    if (!ui.el.failurelabMaths) {  // for the tests: the statistics on fixed inputs
      ui.el.failurelabMaths = { normalCdf, normalQuantile, power: (d, n, nodes) => power(d, n, m.tCrit.get(n), nodes),
        seededStudies: (d, n) => seededStudies(m, data, d, n), tInterval };
    }
    const { d, n } = params;
    if (!Number.isInteger(n) || n < 5 || n > data.n_max) throw new InputError(`n must be a whole number from 5 to ${data.n_max} in this explorer, got ${n}`);
    const n80 = data.n_for_80[fixed(d, 2)];
    if (typeof d !== "number" || n80 === undefined || Math.abs(d - Number(fixed(d, 2))) > 1e-12) {
      throw new InputError(`d must be from ${num(-0.5)} to 1.50 in steps of 0.05 in this explorer, got ${d}`);
    }
    const studies = seededStudies(m, data, d, n);
    const rows = studies.map((s) => ({ ...s, point: s.g, covers: s.lo <= d && d <= s.hi, open: s.lo <= 0 && 0 <= s.hi }));
    const R = rows.length;
    const nCross = rows.filter((s) => s.open).length;
    const nMiss = rows.filter((s) => !s.covers).length;
    const s = {
      d, n, r: R, n80, nCross, nMiss, both: rows.filter((x) => x.open && x.covers).length,
      power: power(d, n, m.tCrit.get(n)), halfWidth: m.z * Math.sqrt(2 / n + (d * d) / (4 * n)),
    };
    const panels = [{
      title: `${nCross} of ${R} CIs cross 0, ${nMiss} miss the true d`,
      x: { min: data.ci_xlim[0], max: data.ci_xlim[1], ticks: CI_TICKS, label: "Hedges' g with 95 % CI (\u25cb = crosses 0)" },
      y: { min: 0.2, max: R + 0.8, ticks: [], label: "Synthetic replication" },
      layers: ciLayers(rows, d, data.ci_xlim, true),
    }, powerPanel(m, data, d, n, s.power, n80)];
    const r = runs(ui, d, n);
    const crit = m.tCrit.get(n);
    const extra = runsHtml(r, d, n, crit, ui, data.ci_xlim);
    r.note = "";
    return {
      panels, sentence: describe(s), extra,
      alt: `${R} synthetic 95 % CIs with n = ${n} per group and true d = ${num(d)}: ${nCross} cross zero, ` +
        `${nMiss} miss the true d. Power against n: ${pct(s.power)} at n = ${n}.`,
    };
  },

  action(name, params, data, ui) {
    const m = decode(data);
    const { d, n } = params;
    const r = runs(ui, d, n);
    if (name === "clear") {
      r.list = [];
      return params;
    }
    const count = name === "run20" ? 20 : 1;
    for (let i = 0; i < count; i++) {
      if (r.list.length >= MAX_RUNS) {
        r.note = `${MAX_RUNS} studies is the most the figure shows: press \u201cClear my studies\u201d to start again.`;
        break;
      }
      r.list.push(runStudy(d, n, m.tCrit.get(n)));
    }
    return params;
  },
};
