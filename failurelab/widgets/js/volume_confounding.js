// Failure acting only through volume: the teaching model (closed form: gain = slope x sets +
// direct effect; the analytic SMDs of failurelab.responses.expected_volume_smd) and what 2,000
// synthetic trials find with volume not equated and equated, from the grid Python computed for
// every setting of the controls (failurelab.widgets.responses.volume_grid), with statsmodels'
// power from the same grid.
// Reference: failurelab.widgets.responses.volume_confounding_state / .describe.


const explorer = {
  update(params, data) {
    const { sets_failure: sf, gain_per_set: b, direct_effect: direct, n } = params;
    const si = position(data.sets, sf, "sets_failure");
    const bi = position(data.gains, b, "gain_per_set");
    const di = position(data.directs, direct, "direct_effect");
    const ni = position(data.ns, n, "n");
    const T = data.trials;
    const snf = data.sets_nonfailure;
    const K = data.powers.length;
    const kNaive = data.naive[bi][di][si];
    const [histNaive, meanNaive, favFailure, favNonfailure] = data.sims[ni * K + kNaive];
    const [histEquated, meanEquated] = data.sims[ni * K + data.equated[bi][di]];
    const power = data.powers[kNaive][ni];

    // closed forms, as expected_volume_smd
    const sd = Math.sqrt(1 + (b * b) * (data.sd_sets * data.sd_sets));
    const expectedNaive = (direct + b * (sf - snf)) / sd;
    const expectedEquated = (direct + b * (snf - snf)) / sd;
    const diff = sf - snf;
    const volume = diff < 0 ? `does ${num(-diff, 0)} fewer weekly sets than`
      : diff > 0 ? `does ${num(diff, 0)} more weekly sets than` : "does the same weekly sets as";
    const only = direct === 0 ? "failure itself has no effect"
      : `failure itself adds ${signed(direct)} SD`;
    const ref = data.reference;

    const sentence = "<b>What the figure shows</b> (synthetic trials from a teaching model; the " +
      `gain per set is an assumption): the failure arm ${volume} the non-failure ` +
      `arm (${num(snf, 0)}), and ${only}. Comparing the arms as ` +
      `designed (volume not equated) gives g = ${num(meanNaive)} on average ` +
      `over ${commas(T)} trials (analytic ${num(expectedNaive)}); ` +
      `${pct(favNonfailure / T)} of trials find non-failure ` +
      `significantly better and ${pct(favFailure / T)} find ` +
      `failure better (power ${pct(power)}). With volume equated the ` +
      `average is ${num(meanEquated)} (analytic ` +
      `${num(expectedEquated)}). Grey: ${escapeHtml(ref.study)}'s published ` +
      "strength estimate when volume was not equated, for scale only \u2014 in the " +
      "studies behind it the design gave the non-failure arm more sets (one set to " +
      "failure vs three sets not to failure), so the gap there was prescribed, not " +
      "caused by fatigue, and the simulation does not show why that estimate is " +
      "negative.";

    // left: the teaching model
    const [x0, x1] = data.sets_axis;
    const y0 = b * snf; const y1 = b * sf + direct;
    const gapX = sf >= snf ? sf + 0.6 : sf - 0.6;
    // right: the trials' estimates
    const [lo, step, bins] = data.edges;
    const rects = (code) => {
      const packed = unpack(code, data.digits);
      return packed.slice(1).map((count, k) => {
        const at = lo + (packed[0] + k) * step;
        return [at, 0, at + step, count / T];
      }).filter((r) => r[3] > 0);
    };
    const top = data.top;
    const panels = [
      {
        title: "Teaching model: gain = slope \u00d7 sets",
        x: { min: x0, max: x1, label: "Weekly sets (per muscle)" },
        y: { min: data.gain_lim[0], max: data.gain_lim[1], label: "Expected gain (outcome SDs)" },
        layers: [
          { type: "line", points: [[x0, b * x0], [x1, b * x1]], colour: COLOURS.grey, width: 2 },
          { type: "segments", segments: [[gapX, y0, gapX, y1]], colour: COLOURS.black, width: 1.5 },
          { type: "text", x: gapX + (sf >= snf ? 0.4 : -0.4), y: (y0 + y1) / 2 - 0.1,
            anchor: sf >= snf ? "start" : "end", text: `naive ${signed(y1 - y0)}` },
          { type: "points", points: [[snf, y0]], r: 6, colour: COLOURS.blue, label: "non-failure" },
          { type: "points", points: [[sf, y1]], r: 6, colour: COLOURS.vermillion, label: "failure" },
          { type: "points", points: [[snf, y0 + direct, "none", 9]], stroke: COLOURS.vermillion,
            colour: COLOURS.vermillion, opacity: 0.35, label: "failure, volume equated" },
        ],
      },
      {
        title: `n = ${n}: naive p < ${data.alpha} in ${pct((favFailure + favNonfailure) / T)}`,
        x: { min: lo, max: lo + bins * step, label: "Hedges' g per trial (+ favours failure)" },
        y: { min: 0, max: top, label: "Share of synthetic trials" },
        layers: [
          { type: "rects", rects: [[ref.ci_low, 0, ref.ci_high, top]], colour: COLOURS.grey,
            opacity: 0.25 },
          { type: "rule", x: ref.estimate, colour: COLOURS.grey, width: 1.5 },
          { type: "rule", x: 0, colour: COLOURS.black, width: 1 },
          { type: "rects", rects: rects(histNaive), colour: COLOURS.vermillion, opacity: 0.45,
            label: "not equated (naive)" },
          { type: "rects", rects: rects(histEquated), colour: COLOURS.blue, opacity: 0.45,
            label: "equated" },
          { type: "rule", x: expectedNaive, colour: COLOURS.vermillion, width: 2, dash: "6 4" },
          { type: "rule", x: expectedEquated, colour: COLOURS.blue, width: 2, dash: "6 4" },
          { type: "line", points: [], colour: COLOURS.black, dash: "6 4", label: "analytic" },
          { type: "rects", rects: [], colour: COLOURS.grey, opacity: 0.25, label: ref.study },
          { type: "text", x: lo + 0.08, y: top * 0.9, colour: "#555",
            text: `published: ${num(ref.estimate)} (${num(ref.ci_low)} to ${num(ref.ci_high)})` },
        ],
      },
    ];
    const extra = "<p style=\"margin:0;color:#444;font-size:0.9em\">Failure acting only through " +
      "volume (synthetic trials; teaching model, slope assumed). Left: the model; right: what " +
      `${commas(T)} synthetic trials find.</p>`;
    return {
      panels, sentence, extra,
      alt: `Teaching model: ${num(sf, 0)} vs ${num(snf, 0)} weekly sets, gain ${num(b)} SD per ` +
        `set; histograms of Hedges' g over ${commas(T)} synthetic trials, naive average ` +
        `${num(meanNaive)}, volume-equated ${num(meanEquated)}.`,
    };
  },
};
