// Individual responses or noise? Left: one synthetic trial, computed here from that trial's
// standard normal draws, which Python sends in full (change = mean + SD x draw, as
// failurelab.responses.simulate_individual_responses). Right: the estimated SD of individual
// responses over 2,000 synthetic trials, from the grid Python computed for every setting of the
// controls (failurelab.widgets.responses.individual_grid).
// Reference: failurelab.widgets.responses.individual_responses_state / .describe.


const sampleSd = (x) => {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  return Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (x.length - 1));
};

let draws = null;  // trial 1's draws as numbers (parsed once)

const explorer = {
  update(params, data) {
    const { sd_response: sr, sd_noise: sn, n, threshold } = params;
    const ai = position(data.sd_responses, sr, "sd_response");
    const bi = position(data.sd_noises, sn, "sd_noise");
    const ni = position(data.ns, n, "n");
    if (!Number.isFinite(threshold)) throw new InputError("threshold must be a number");
    if (draws === null || draws.source !== data.draws) {
      draws = { source: data.draws, z: data.draws.map((text) => text.split(",").map(Number)) };
    }
    const z = draws.z;
    const T = data.trials;
    const base = data.mean_control;
    const c = data.sd_common;

    // trial 1, in the order and arithmetic of simulate_individual_responses
    const control = []; const intervention = [];
    for (let i = 0; i < n; i++) {
      control.push(base + c * z[0][i] + sn * z[1][i]);
      const effect = data.mean_effect + sr * z[4][i];
      intervention.push(base + c * z[2][i] + sn * z[3][i] + effect);
    }
    const labelledC = control.filter((x) => x >= threshold).length;
    const labelledI = intervention.filter((x) => x >= threshold).length;
    const sdDiff = sampleSd(intervention) ** 2 - sampleSd(control) ** 2;
    const oneSdIr = Math.sign(sdDiff) * Math.sqrt(Math.abs(sdDiff));

    // closed form, as expected_individual_responses
    const varC = c * c + sn * sn;
    const shareResponse = (sr * sr) / (varC + sr * sr);
    const nobody = sr === 0 && data.mean_effect === 0;

    const A = data.sd_responses.length; const B = data.sd_noises.length;
    const [hist, p10, p90, negative] = data.sims[(ni * A + ai) * B + bi];
    const shareNegative = negative / T;

    const sentence = `<b>What the figure shows</b> (${data.label}, not data): in one simulated trial ` +
      `with ${n} people per arm, ${labelledI} of ${n} in ` +
      `the failure arm and ${labelledC} of ${n} in the ` +
      `non-failure arm changed by at least ${num(threshold)} mm and would be ` +
      "called \u201cresponders\u201d" +
      (nobody ? " \u2014 although in this setting nobody responds to failure any differently " +
        "from non-failure" : "") +
      `. Only ${pct(shareResponse)} of the spread of the failure arm's ` +
      "changes is individual response to failure; the rest is general trainability " +
      `(both arms) and noise. Across ${commas(T)} simulated trials the estimate ` +
      `\u221a(SD_I\u00b2 \u2212 SD_C\u00b2) fell between ${num(p10)} and ` +
      `${num(p90)} mm in 80 % of trials (true value ` +
      `${num(sr)} mm), and ${pct(shareNegative)} of trials gave a ` +
      "negative estimate.";

    // the strip plot: filled = labelled a "responder", hollow = other
    const [yLo, yHi] = data.change_lim;
    const clip = (y) => Math.min(yHi, Math.max(yLo, y));
    const jitter = (i) => (((i * 0.618034) % 1) - 0.5) * 0.5;
    const strip = (values, x, colour, filled) => values
      .map((y, i) => [x + jitter(i), clip(y), filled ? colour : "#ffffff", 4])
      .filter((_, i) => (values[i] >= threshold) === filled);
    const mean = (x) => x.reduce((a, b) => a + b, 0) / x.length;
    const armLayers = [[control, 0, COLOURS.blue], [intervention, 1, COLOURS.vermillion]]
      .flatMap(([values, x, colour]) => [
        { type: "points", points: strip(values, x, colour, true), stroke: colour },
        { type: "points", points: strip(values, x, colour, false), stroke: colour },
      ]);

    // the histogram of the estimates (shares of trials; a bar above the axis is cut)
    const [lo, step, bins] = data.edges;
    const packed = unpack(hist, data.digits);
    const shares = new Array(bins).fill(0);
    packed.slice(1).forEach((count, k) => { shares[packed[0] + k] = count / T; });
    const tallest = Math.max(...shares);
    const texts = [{ type: "text", x: lo + 0.1, y: data.top * 0.9, text: `${pct(shareNegative)} below 0` }];
    if (tallest > data.top) {
      texts.push({ type: "text", x: lo + 0.1, y: data.top * 0.78, text: `tallest bar: ${pct(tallest)} (cut)` });
    }
    const panels = [
      {
        title: `One trial, n = ${n}: SD_ir = ${num(oneSdIr)} mm`,
        x: { min: -0.6, max: 1.6, ticks: [0, 1], tickText: (t) => (t === 0 ? "non-failure" : "failure") },
        y: { min: yLo, max: yHi, label: "Change (mm, synthetic)" },
        layers: [
          ...armLayers,
          { type: "segments", segments: [[-0.3, mean(control), 0.3, mean(control)],
            [0.7, mean(intervention), 1.3, mean(intervention)]], colour: COLOURS.black, width: 2.5,
            label: "arm mean" },
          { type: "rule", y: threshold, colour: COLOURS.black, width: 1.2, dash: "5 3",
            label: "\u201cresponder\u201d threshold" },
          { type: "text", x: 0, y: yHi - 1, anchor: "middle", text: `${labelledC} of ${n} \u201cresponders\u201d` },
          { type: "text", x: 1, y: yHi - 1, anchor: "middle", text: `${labelledI} of ${n} \u201cresponders\u201d` },
          { type: "rects", rects: [], colour: COLOURS.grey, label: "filled: change \u2265 threshold" },
        ],
      },
      {
        title: `${commas(T)} trials: 80 % in ${num(p10)} to ${num(p90)}`,
        x: { min: lo, max: lo + bins * step, label: "Estimated SD of responses (mm)" },
        y: { min: 0, max: data.top, label: "Share of synthetic trials" },
        layers: [
          { type: "rects", rects: shares.map((h, k) => [lo + k * step, 0, lo + (k + 1) * step, h])
            .filter((r) => r[3] > 0), colour: COLOURS.sky },
          { type: "rule", x: 0, colour: COLOURS.grey, width: 1 },
          { type: "rule", x: sr, colour: COLOURS.green, width: 2, dash: "6 4",
            label: "true SD of responses to failure" },
          ...texts,
        ],
      },
    ];
    const extra = `<p style="margin:0;color:#444;font-size:0.9em">Individual responses or noise? ` +
      `(${escapeHtml(data.label)}). Estimate: SD_ir = \u221a(SD\u00b2 of change, failure \u2212 ` +
      "SD\u00b2 of change, non-failure); negative when the non-failure arm varies more.</p>";
    return {
      panels, sentence, extra,
      alt: `One synthetic trial with ${n} per arm: ${labelledI} \u201cresponders\u201d in the ` +
        `failure arm, ${labelledC} in the non-failure arm; histogram of the estimated SD of ` +
        `responses over ${commas(T)} trials, 80 % between ${num(p10)} and ${num(p90)} mm.`,
    };
  },
};
