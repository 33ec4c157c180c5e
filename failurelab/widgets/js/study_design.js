// Study-design simulator: 2,000 synthetic studies of one design (weeks, n per group, true
// effect, measurement error). The simulated numbers and statsmodels' power come from the grid
// Python computed for every setting of the controls (failurelab.widgets.limitations
// .design_grid); the browser adds only closed forms (reliability, attenuation).
// Reference: failurelab.widgets.limitations.design_state / StudyDesignExplorer.describe.

const article = (w) => (String(w).startsWith("8") || w === 11 || w === 18 ? "an" : "a");
const need = (n80) => (n80 === null ? "no n (true effect 0)" : `${commas(n80)} per group`);


const explorer = {
  update(params, data) {
    const { weeks, n, true_effect: d, error_ratio: e } = params;
    const wi = position(data.weeks, weeks, "weeks");
    const ei = position(data.errors, e, "error_ratio");
    const di = position(data.effects, d, "true_effect");
    const ni = position(data.ns, n, "n");
    const R = data.replications;
    const S = Math.max(...data.s_index.flat()) + 1;
    const D = data.effects.length;
    const si = data.s_index[wi][ei];
    const perfect = data.s_index[0][data.errors.indexOf(0)];
    const [hist, mixedNeg, mixedPos, meanSig, width] = data.sims[(ni * S + si) * D + di];
    const [n80, curveCode, powers] = data.analytic[si * D + di];
    const [n80Perfect, perfectCode] = data.analytic[perfect * D + di];

    // closed forms, as studies.change_reliability and attenuated_d
    const t = weeks / data.reference_weeks;
    const rel = (t * t) / (t * t + e * e);
    const observed = d * Math.sqrt(rel);

    // the histogram: all studies, and the significant ones (a band of g for this n)
    const [lo, step, bins] = data.bins;
    const packed = unpack(hist, data.digits);
    const total = new Array(bins).fill(0);
    packed.slice(1).forEach((c, k) => { total[packed[0] + k] = c; });
    const [mixLo, mixHi] = data.mixed[ni];
    const sig = total.map((c, k) => (k < mixLo || k > mixHi ? c : 0));
    sig[mixLo] = mixedNeg;
    sig[mixHi] = mixedPos;
    const nSig = sig.reduce((a, b) => a + b, 0);
    const sameSign = d > 0 ? sig.slice(mixHi + 1).reduce((a, b) => a + b, 0) + mixedPos : 0;
    const power = nSig / R;
    const analytic = powers[ni];
    const mcSe = Math.sqrt(analytic * (1 - analytic) / R);
    const exaggeration = meanSig !== null && d !== 0 ? meanSig / d : null;

    let sentence = `<b>What the figure shows</b> (${commas(R)} ${data.label}): ` +
      `${article(weeks)} ${weeks}-week study with ${n} people per group ` +
      `and a true effect of ${num(d)}. Under the assumption that gains ` +
      `grow steadily while the measurement error (ratio ${num(e)}) stays the same, the ` +
      `change scores have a reliability of ${fixed(rel, 2)}, so the studies ` +
      `estimate ${num(observed)} (true effect \u00d7 \u221areliability). ` +
      `<b>Power:</b> ${pct(power)} of the simulated studies reach p &lt; 0.05; ` +
      `statsmodels' analytic power is ${pct(analytic)} (Monte-Carlo SE ` +
      `${fixed(100 * mcSe, 1)} points). A typical 95 % CI is ` +
      `${num(width)} wide. 80 % power would need ` +
      `${need(n80)} (${need(n80Perfect)} with a perfect measurement). `;
    if (exaggeration !== null && d > 0) {
      sentence += `The ${commas(sameSign)} significant studies with the right sign ` +
        `estimate ${num(meanSig)} on average, ${fixed(exaggeration, 1)}\u00d7 the true effect: ` +
        "a small study that \u201cfinds\u201d an effect tends to overstate it.";
    }

    // stacked: significant studies (orange) below the others (sky), as the old figure
    const bar = (bottom, top) => top.map((c, k) => [lo + k * step, bottom[k], lo + (k + 1) * step, c])
      .filter((r) => r[3] > r[1]);
    const curve = (code) => unpack(code, 2).map((p, k) => [data.n_curve[k], p / data.curve_top]);
    const panels = [
      {
        title: `${pct(power)} significant; CI width ${num(width)}`,
        x: { min: lo, max: lo + bins * step, label: "Estimated effect, Hedges' g" },
        y: { min: 0, max: 0.16 * R, label: "Synthetic studies" },
        layers: [
          { type: "rects", rects: bar(sig, total), colour: COLOURS.sky, opacity: 0.85, label: "p \u2265 0.05" },
          { type: "rects", rects: bar(total.map(() => 0), sig), colour: COLOURS.orange, opacity: 0.85,
            label: "p < 0.05" },
          { type: "rule", x: 0, colour: COLOURS.black, width: 1 },
          { type: "rule", x: d, colour: COLOURS.green, width: 2, dash: "6 4", label: "true effect" },
          { type: "rule", x: observed, colour: COLOURS.vermillion, width: 2, dash: "2 3",
            label: "studies estimate" },
        ],
      },
      {
        title: `Reliability ${fixed(rel, 2)}: estimates ${num(observed)}`,
        x: { min: data.n_curve[0], max: data.n_curve[data.n_curve.length - 1], label: "n per group" },
        y: { min: 0, max: 1.02, label: "Power (\u03b1 = 0.05)" },
        layers: [
          { type: "line", points: curve(perfectCode), colour: COLOURS.grey, width: 1.5, dash: "6 4",
            label: "perfect measurement" },
          { type: "line", points: curve(curveCode), colour: COLOURS.blue, width: 2,
            label: "with error" },
          { type: "rule", y: 0.8, colour: COLOURS.grey, width: 1, dash: "2 3" },
          { type: "text", x: 98, y: 0.83, text: "80 %", anchor: "end", colour: "#555" },
          { type: "segments", segments: [[n, power - 3 * mcSe, n, power + 3 * mcSe]],
            colour: COLOURS.vermillion, width: 3 },
          { type: "points", points: [[n, power]], r: 5, colour: COLOURS.vermillion,
            label: "synthetic studies (\u00b13 MC SE)" },
        ],
      },
    ];
    const extra = `<p style="margin:0;color:#444;font-size:0.9em">Study-design simulator ` +
      `(${escapeHtml(data.label)}). Assumption: gains grow steadily with the weeks; the ` +
      "measurement error does not.</p>";
    return {
      panels, sentence, extra,
      alt: `Estimates of ${commas(R)} synthetic studies, ${weeks} weeks, ${n} per group, true ` +
        `effect ${num(d)}: ${pct(power)} significant. Power against n per group, with and ` +
        "without measurement error.",
    };
  },
};
