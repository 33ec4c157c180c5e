// Measurement-error explorer: the true and measured changes of two groups (closed form: normal
// densities, measured SD = 1 / sqrt(reliability)) and power against reliability. The simulated
// power of 2,000 synthetic studies and statsmodels' analytic power come from the grid Python
// computed for every setting of the controls (failurelab.widgets.limitations.measurement_grid).
// Reference: failurelab.widgets.limitations.measurement_state / MeasurementErrorExplorer.describe.

const need = (n80) => (n80 === null ? "no n (true effect 0)" : `${commas(n80)} per group`);


const X_CHANGE = Array.from({ length: 211 }, (_, k) => -4.5 + k * 0.05);
const density = (mean, sd) => X_CHANGE.map((x) => {
  const z = (x - mean) / sd;
  return [x, Math.exp(-0.5 * z * z) / (sd * Math.sqrt(2 * Math.PI))];
});

const explorer = {
  update(params, data) {
    const { reliability: r, true_effect: d, n } = params;
    const ri = position(data.reliabilities, r, "reliability");
    const di = position(data.effects, d, "true_effect");
    const ni = position(data.ns, n, "n");
    const R = data.replications;
    const power = unpack(data.significant[di][ni], data.digits)[ri] / R;
    const curve = data.power[di][ni];  // analytic, at data.curve_reliabilities
    const analytic = curve[position(data.curve_reliabilities, r, "reliability")];
    const perfect = curve[curve.length - 1];
    const n80 = data.n_for_80[di][ri];
    const n80Perfect = data.n_for_80[di][data.reliabilities.length - 1];
    const measuredSd = 1 / Math.sqrt(r);
    const observed = d * Math.sqrt(r);
    const mcSe = Math.sqrt(analytic * (1 - analytic) / R);

    const sentence = `<b>What the figure shows</b> (${commas(R)} ${data.label}): with a ` +
      `reliability of ${fixed(r, 2)}, measured changes spread ` +
      `${fixed(measuredSd, 2)}\u00d7 as widely as the true changes while the difference ` +
      `between the groups stays ${num(d)}, so the measured effect is ` +
      `${num(observed)} (true effect \u00d7 \u221areliability). ` +
      `<b>Power</b> with ${n} per group: ${pct(power)} simulated, ` +
      `${pct(analytic)} analytic (statsmodels), ` +
      `${pct(perfect)} with a perfect measurement. 80 % power needs ` +
      `${need(n80)} instead of ${need(n80Perfect)}: about 1/reliability times as many people.`;

    const panels = [
      {
        title: `Measured SD ${fixed(measuredSd, 2)}: effect ${num(observed)}`,
        x: { min: -4.5, max: 6, label: "Change (in SDs of the true change)" },
        y: { min: 0, max: 0.45, ticks: [] },
        layers: [
          { type: "line", points: density(0, 1), colour: COLOURS.blue, width: 1.2, dash: "5 3" },
          { type: "line", points: density(d, 1), colour: COLOURS.orange, width: 1.2, dash: "5 3" },
          { type: "line", points: density(0, measuredSd), colour: COLOURS.blue, width: 2 },
          { type: "line", points: density(d, measuredSd), colour: COLOURS.orange, width: 2 },
          // legend only
          { type: "line", points: [], colour: COLOURS.blue, label: "non-failure" },
          { type: "line", points: [], colour: COLOURS.orange, label: "failure" },
          { type: "line", points: [], colour: COLOURS.black, dash: "5 3", label: "true changes" },
          { type: "line", points: [], colour: COLOURS.black, label: "measured changes" },
        ],
      },
      {
        title: `n = ${n}/group: ${pct(power)} (perfect: ${pct(perfect)})`,
        x: { min: data.curve_reliabilities[0], max: 1, label: "Reliability of the outcome" },
        y: { min: 0, max: 1.02, label: "Power (\u03b1 = 0.05)" },
        layers: [
          { type: "line", points: curve.map((p, k) => [data.curve_reliabilities[k], p]),
            colour: COLOURS.blue, width: 2, label: "analytic (statsmodels)" },
          { type: "rule", y: 0.8, colour: COLOURS.grey, width: 1, dash: "2 3" },
          { type: "text", x: 0.99, y: 0.83, text: "80 %", anchor: "end", colour: "#555" },
          { type: "segments", segments: [[r, power - 3 * mcSe, r, power + 3 * mcSe]],
            colour: COLOURS.vermillion, width: 3 },
          { type: "points", points: [[r, power]], r: 5, colour: COLOURS.vermillion,
            label: "synthetic studies (\u00b13 MC SE)" },
        ],
      },
    ];
    const extra = `<p style="margin:0;color:#444;font-size:0.9em">Measurement error and power ` +
      `(${escapeHtml(data.label)}). Measured effect = true effect \u00d7 \u221areliability ` +
      "(Spearman 1904): the difference stays, the spread grows.</p>";
    return {
      panels, sentence, extra,
      alt: `True and measured changes of two groups at reliability ${fixed(r, 2)} (measured ` +
        `effect ${num(observed)}), and power against reliability for ${n} per group: ` +
        `${pct(power)} simulated.`,
    };
  },
};
