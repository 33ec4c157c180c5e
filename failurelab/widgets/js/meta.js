// Build-a-meta-analysis explorer: k synthetic two-arm studies (their standardised draws come
// from Python, so each g is exactly failurelab's), pooled here by equal effects, DerSimonian-
// Laird or REML (Fisher scoring), ported from failurelab.meta.pool (test "z", default PI).
// Reference: failurelab.widgets.evidence.meta_state / MetaExplorer.describe.


const decodedData = new WeakMap();

function decode(data) {
  let m = decodedData.get(data);
  if (!m) {
    const studies = {};
    for (const [n, s] of Object.entries(data.studies)) {
      studies[n] = { nRange: s.n_range, sizes: s.n_i, z: f64(s.z), a: f64(s.a), b: f64(s.b) };
    }
    m = { studies, J: f64(data.J), z: f64(data.z)[0] };
    decodedData.set(data, m);
  }
  return m;
}


// -- failurelab.meta, ported -----------------------------------------------------------------

const sum = (x) => { let s = 0; for (const v of x) s += v; return s; };

function q(y, v, tau2 = 0) {  // generalized Q: sum w (y - mu_w)^2 with w = 1 / (v + tau2)
  const w = v.map((x) => 1 / (x + tau2));
  const sw = sum(w);
  const mu = sum(w.map((wi, i) => wi * y[i])) / sw;
  return sum(w.map((wi, i) => wi * (y[i] - mu) ** 2));
}

function remlLoglik(y, v, tau2) {
  const w = v.map((x) => 1 / (x + tau2));
  return -0.5 * (sum(v.map((x) => Math.log(x + tau2))) + Math.log(sum(w)) + q(y, v, tau2));
}

function tau2Reml(y, v, tol = 1e-10, maxiter = 200) {
  // Fisher scoring from the Hedges (HE) estimate, halving a step that would go below 0
  const k = y.length;
  if (k === 1) return 0;
  const mean = sum(y) / k;
  let tau2 = Math.max(0, (sum(y.map((x) => (x - mean) ** 2)) - (sum(v) * (k - 1)) / k) / (k - 1));
  let converged = false;
  for (let it = 0; it < maxiter; it++) {
    const w = v.map((x) => 1 / (x + tau2));
    const sw = sum(w); const sw2 = sum(w.map((x) => x * x));
    const mu = sum(w.map((wi, i) => wi * y[i])) / sw;
    const py = w.map((wi, i) => wi * (y[i] - mu));
    const trP = sw - sw2 / sw;
    const trPP = sw2 - (2 * sum(w.map((x) => x ** 3))) / sw + sw2 ** 2 / sw ** 2;
    let step = (sum(py.map((x) => x * x)) - trP) / trPP;
    if (!Number.isFinite(step)) throw new InputError("REML cannot be computed for these values; try DL");
    while (tau2 + step < 0 && Math.abs(step) > tol) step /= 2;
    tau2 = Math.max(0, tau2 + step);
    if (Math.abs(step) < tol) { converged = true; break; }
  }
  if (!converged) throw new InputError("REML did not converge; try DL");
  if (remlLoglik(y, v, 0) > remlLoglik(y, v, tau2) + 1e-10) return 0;  // a local maximum
  return tau2;
}

function tau2DL(y, v) {
  // DerSimonian-Laird as statsmodels' combine_effects(method_re="dl"), truncated at 0
  const w = v.map((x) => 1 / x);
  const sw = sum(w);
  const Q = sum(w.map((wi, i) => wi * y[i] ** 2)) - sum(w.map((wi, i) => wi * y[i])) ** 2 / sw;
  const c = sw - sum(w.map((x) => x * x)) / sw;
  return Math.max(0, (Q - (y.length - 1)) / c);
}

function pool(y, v, method, z) {
  // failurelab.meta.pool(yi, vi, method, test="z", level=0.95, pi_type="default")
  const k = y.length;
  let tau2 = 0;
  if (method === "REML" && k > 1) tau2 = tau2Reml(y, v);
  else if (method === "DL" && k > 1) tau2 = tau2DL(y, v);
  const w = v.map((x) => 1 / (x + tau2));
  const sw = sum(w);
  const estimate = sum(w.map((wi, i) => wi * y[i])) / sw;
  const variance = 1 / sw;
  const se = Math.sqrt(variance);
  const w0 = v.map((x) => 1 / x);
  const Q = k > 1 ? q(y, v) : 0;
  let I2 = 0;
  if (k > 1 && method === "EE") I2 = Q > 0 ? Math.max(0, (100 * (Q - (k - 1))) / Q) : 0;
  else if (k > 1) {
    const vt = (k - 1) / (sum(w0) - sum(w0.map((x) => x * x)) / sum(w0));
    I2 = (100 * tau2) / (vt + tau2);
  }
  const piSe = Math.sqrt(variance + tau2);
  return {
    estimate, se, ciLow: estimate - z * se, ciHigh: estimate + z * se, tau2, tau: Math.sqrt(tau2),
    I2, Q, piLow: estimate - z * piSe, piHigh: estimate + z * piSe, k, method,
    weights: w.map((x) => (100 * x) / sw),
  };
}

// -- the studies ------------------------------------------------------------------------------

function studies(m, data, k, n, trueEffect, tau) {
  // study i: theta = true effect + tau z_i; g = J(n_i) (theta + a_i) / b_i; metafor's LS variance
  const s = m.studies[String(n)];
  const out = [];
  for (let i = 0; i < k; i++) {
    const size = s.sizes[i];
    const g = m.J[size - data.j_from] * ((trueEffect + tau * s.z[i] + s.a[i]) / s.b[i]);
    const vi = 1 / size + 1 / size + g ** 2 / (2 * (size + size));
    const se = Math.sqrt(vi);
    out.push({ study: `S${String(i + 1).padStart(2, "0")}`, n: size, g, vi, lo: g - m.z * se, hi: g + m.z * se });
  }
  return out;
}

function describe(s) {
  // the same words and numbers as MetaExplorer.describe
  const { p, pe, k } = s;
  const [lo, hi] = s.nRange;
  const level = "95 %";
  let text = `<b>What the figure shows</b> (${k} synthetic studies, ${lo}\u2013${hi} people per ` +
    `group, simulated with a true mean effect of ${pyNum(s.trueEffect)} and ` +
    `\u03c4 = ${pyNum(s.tau)}): `;
  if (p.method === "EE") {
    text += `the equal-effects model pools them to g = ${pyNum(p.estimate)} (${level} CI ` +
      `${pyNum(p.ciLow)} to ${pyNum(p.ciHigh)}). It assumes every study estimates ` +
      "the same effect, so \u03c4\u00b2 is set to 0 and the prediction interval " +
      `equals the CI. Heterogeneity from Cochran's Q: I\u00b2 = ${fixed(p.I2, 0)} %. `;
  } else {
    text += `the random-effects model (${p.method}) pools them to g = ${pyNum(p.estimate)} ` +
      `(${level} CI ${pyNum(p.ciLow)} to ${pyNum(p.ciHigh)}). The prediction ` +
      `interval, ${pyNum(p.piLow)} to ${pyNum(p.piHigh)}, is where the true effect ` +
      "of a new, similar study would be expected to lie. Estimated between-study " +
      `variance \u03c4\u00b2 = ${fixed(p.tau2, 3)} (\u03c4 = ${pyNum(p.tau)}; simulated ` +
      `\u03c4 = ${pyNum(s.tau)}); I\u00b2 = ${fixed(p.I2, 0)} % of the spread is ` +
      "attributed to real differences between studies rather than chance. For " +
      `comparison, equal effects give ${pyNum(pe.estimate)} (${pyNum(pe.ciLow)} to ` +
      `${pyNum(pe.ciHigh)}). `;
  }
  if (k === 2) {
    text += "<b>With only 2 studies the result is fragile:</b> \u03c4\u00b2 and I\u00b2 " +
      "are barely estimable, and one more study can move the pooled estimate a lot.";
  } else if (k <= 4) {
    text += `With ${k} studies \u03c4\u00b2 is poorly estimated; treat I\u00b2 and the ` +
      "prediction interval with caution.";
  }
  return text;
}

// -- the view -------------------------------------------------------------------------------

const diamond = (lo, mid, hi, y, h = 0.3) => ({
  upper: [[lo, y], [mid, y + h], [hi, y]], lower: [[lo, y], [mid, y - h], [hi, y]],
});

function forest(s, data) {
  const { rows, p, pe, k } = s;
  const [xmin, xmax] = data.x_lim;
  const y = (i) => k + 4.8 - i;  // study rows above the three summary rows
  const [POOLED, PI, EE] = [3.6, 2.3, 1];
  const labelled = k <= data.k_labels ? rows.map((_, i) => i) : [0, ...rows.map((_, i) => i).filter((i) => i >= 4 && (i - 4) % 5 === 0)];
  const offset = 0.3;  // text sits on its baseline: lower it a little
  const left = (text, yy, bold) => ({ type: "text", x: xmin, y: yy - offset, text: `${text}\u00a0`, anchor: "end", colour: "#222", bold });
  const pooled = diamond(p.ciLow, p.estimate, p.ciHigh, POOLED, 0.4);
  const ee = diamond(pe.ciLow, pe.estimate, pe.ciHigh, EE, 0.4);
  return {
    title: "Synthetic studies (simulated, not measured)",
    minHeight: 106 + (k + 5.1) * 13,  // about 13 px a row, however many studies
    x: { min: xmin, max: xmax, label: "Hedges' g (positive favours failure)" },
    y: { min: 0.3, max: k + 5.4, ticks: [] },
    layers: [
      { type: "rule", x: 0, colour: COLOURS.black, width: 1 },
      { type: "rule", x: s.trueEffect, colour: COLOURS.green, dash: "6 4", width: 1.5, label: "True mean effect" },
      { type: "rule", x: p.estimate, colour: COLOURS.vermillion, dash: "2 3", width: 1.2 },  // through the diamond
      { type: "rects", rects: [[p.piLow, PI - 0.25, p.piHigh, PI + 0.25]], colour: COLOURS.sky, label: "Prediction interval" },
      { type: "segments", segments: rows.map((r, i) => [r.lo, y(i), r.hi, y(i)]), colour: COLOURS.black, width: 1.3 },
      { type: "points", points: rows.map((r, i) => [r.g, y(i), COLOURS.blue, Math.min(9, Math.max(2.5, 1.6 * Math.sqrt(p.weights[i])))]),
        colour: COLOURS.blue, label: "Study (size: weight)" },
      { type: "area", ...pooled, colour: COLOURS.vermillion, opacity: 1 },
      { type: "area", ...ee, colour: "#ffffff", opacity: 1 },
      { type: "line", points: [...ee.upper, ...[...ee.lower].reverse()], colour: COLOURS.black, width: 1.3 },
      ...labelled.map((i) => left(rows[i].study, y(i), false)),
      left("Pooled", POOLED, true), left("PI", PI, true), left("EE", EE, true),
      ...rows.flatMap((r, i) => (r.lo < xmin ? [{ type: "text", x: xmin, y: y(i) - offset, text: "\u25c2", colour: "#000" }] : [])),
      ...rows.flatMap((r, i) => (r.hi > xmax ? [{ type: "text", x: xmax, y: y(i) - offset, text: "\u25b8", anchor: "end", colour: "#000" }] : [])),
    ],
  };
}

function table(s, data) {
  const { rows, p, pe } = s;
  const ci = (lo, hi) => `${pyNum(lo)} to ${pyNum(hi)}`;
  const body = rows.map((r, i) => `<tr><th scope="row">${r.study}</th><td>${r.n}</td><td>${pyNum(r.g)} (${ci(r.lo, r.hi)})</td>` +
    `<td>${fixed(p.weights[i], 1)} %</td></tr>`).join("");
  const label = escapeHtml(data.method_labels[p.method]);
  const style = "<style>.fl-meta-table th,.fl-meta-table td{padding:1px 12px 1px 0;text-align:right;" +
    "font-variant-numeric:tabular-nums;white-space:nowrap}.fl-meta-table th[scope=row],.fl-meta-table th:first-child{text-align:left}</style>";
  // a scrolled region a keyboard can reach (tabindex) and a screen reader can name
  return `${style}<div class="fl-meta-table" tabindex="0" role="region" aria-label="Studies in the pool" style="max-height:17em;overflow:auto;font-size:13px">` +
    '<table style="border-collapse:collapse"><caption style="text-align:left;font-weight:600">' +
    "The synthetic studies and their weights</caption>" +
    '<thead><tr><th scope="col">Study</th><th scope="col">n/group</th><th scope="col">g (95 % CI)</th>' +
    '<th scope="col">Weight</th></tr></thead>' +
    `<tbody>${body}</tbody><tfoot>` +
    `<tr><th scope="row" colspan="2">Pooled: ${label}</th><td>${pyNum(p.estimate)} (${ci(p.ciLow, p.ciHigh)})</td><td>100 %</td></tr>` +
    `<tr><th scope="row" colspan="2">Prediction interval</th><td>${ci(p.piLow, p.piHigh)}</td><td></td></tr>` +
    `<tr><th scope="row" colspan="2">Equal effects (EE)</th><td>${pyNum(pe.estimate)} (${ci(pe.ciLow, pe.ciHigh)})</td><td></td></tr>` +
    "</tfoot></table></div>";
}

const explorer = {
  update(params, data, ui) {
    const m = decode(data);
    if (!ui.el.failurelabMaths) ui.el.failurelabMaths = { pool: (y, v, method) => pool(y, v, method, m.z) };  // for the tests
    const { k, n, true_effect: trueEffect, tau, method } = params;
    if (!Number.isInteger(k) || k < 2 || k > data.k_max) throw new InputError(`k must be a whole number from 2 to ${data.k_max} in this explorer, got ${k}`);
    if (!m.studies[String(n)]) throw new InputError(`n must be one of ${Object.keys(m.studies).join(", ")} in this explorer, got ${n}`);
    if (typeof trueEffect !== "number" || !(trueEffect >= -0.5 && trueEffect <= 1)) throw new InputError(`true_effect must be from ${pyNum(-0.5)} to 1.00, got ${trueEffect}`);
    if (typeof tau !== "number" || !(tau >= 0 && tau <= 0.6)) throw new InputError(`tau must be from 0 to 0.60, got ${tau}`);
    if (!data.method_labels[method]) throw new InputError(`method must be one of ${Object.keys(data.method_labels).join(", ")}, got ${method}`);
    const rows = studies(m, data, k, n, trueEffect, tau);
    const y = rows.map((r) => r.g); const v = rows.map((r) => r.vi);
    const s = { rows, k, trueEffect, tau, nRange: m.studies[String(n)].nRange,
      p: pool(y, v, method, m.z), pe: pool(y, v, "EE", m.z) };
    return {
      panels: [forest(s, data)], sentence: describe(s), extra: table(s, data),
      alt: `Forest plot of ${k} synthetic studies: pooled g ${pyNum(s.p.estimate)} (95 % CI ${pyNum(s.p.ciLow)} ` +
        `to ${pyNum(s.p.ciHigh)}), prediction interval ${pyNum(s.p.piLow)} to ${pyNum(s.p.piHigh)}; true mean effect ${pyNum(trueEffect)}.`,
    };
  },
};
