// "How close was I?" explorer: the true RIR behind a reported RIR in a TEACHING SIMULATION
// (only the 0.95-rep bias is published, Halperin et al. 2022; the spread is assumed). Python
// simulates every reported RIR x bias once and sends the histograms and summaries
// (failurelab.widgets.practice.how_close_grid); the view draws the chosen one.
// Reference: failurelab.widgets.practice.how_close_state / HowCloseExplorer.describe.

const explorer = {
  update(params, data) {
    const reported = params.reported_rir;
    const bias = params.bias;
    const i = Math.round(100 * bias);
    const cell = (data.grid[reported] || [])[i];
    if (!cell || Math.abs(100 * bias - i) > 1e-6) {
      throw new InputError(`no simulated sets for reported RIR ${reported} and bias ${bias}`);
    }
    const [first, counts, mean, sd, further, closer, atFailure] = cell;
    const { n, bins } = data;
    const top = data.share_top;
    const width = bins[1] - bins[0];
    const shares = counts.map((c) => c / n);
    let highest = 0;
    shares.forEach((s, k) => { if (s > shares[highest]) highest = k; });
    const bars = shares.map((s, k) => {
      const x = bins[first + k];
      return [x, 0, x + width * 0.92, 100 * Math.min(s, top)];
    });
    const histogram = [
      { type: "rects", rects: bars, colour: COLOURS.sky },
      { type: "rule", x: reported, colour: COLOURS.black, width: 2, dash: "6 4", label: "reported RIR" },
      { type: "rule", x: mean, colour: COLOURS.vermillion, width: 2, label: "mean true RIR" },
      { type: "text", x: bins[bins.length - 1] - 0.2, y: 100 * top * 0.9, anchor: "end", colour: "#555",
        text: "simulated sets, not data" },
    ];
    if (shares[highest] > top) {
      histogram.push({ type: "text", x: bins[first + highest] + 0.6, y: 100 * top * 0.78,
        text: `\u2190 ${pct(shares[highest])} (bar cut)` });
    }
    const curve = data.grid.map((row, r) => [r, row[i][2], row[i][3]]);
    const panels = [
      {
        title: `${n} sets reported at ${reported} RIR: mean true ${num(mean, 1)}`,
        x: { min: bins[0] - 0.3, max: bins[bins.length - 1], label: "True RIR (reps left at the end)" },
        y: { min: 0, max: 100 * top, label: "Share of sets (%)" },
        layers: histogram,
      },
      {
        title: "Mean \u00b1 SD of the true RIR",
        x: { min: -0.4, max: 6.4, label: "Reported RIR", ticks: curve.map((c) => c[0]) },
        y: { min: 0, max: 14, label: "True RIR (simulated)" },
        layers: [
          { type: "area", upper: curve.map((c) => [c[0], c[1] + c[2]]),
            lower: curve.map((c) => [c[0], Math.max(c[1] - c[2], 0)]), colour: COLOURS.blue,
            opacity: 0.2, label: "\u00b11 SD" },
          { type: "line", points: [[0, 0], [6, 6]], colour: COLOURS.grey, width: 1.5, dash: "2 3",
            label: "true = reported" },
          { type: "points", points: [[reported, curve[reported] ? curve[reported][1] : mean]], r: 8,
            colour: COLOURS.vermillion, label: "your reported RIR" },
          { type: "line", points: curve.map((c) => [c[0], c[1]]), colour: COLOURS.blue, width: 1.5,
            label: "mean true RIR" },
          { type: "points", points: curve.map((c) => [c[0], c[1]]), r: 4, colour: COLOURS.blue },
        ],
      },
    ];
    const sentence = `<b>What the figure shows</b> (${escapeHtml(data.label)}; simulated sets, not data): ` +
      `of ${n} sets reported at ${reported} RIR, the true RIR averaged ` +
      `${num(mean, 1)} reps (SD ${num(sd, 1)}). ` +
      `${pct(further / n)} of the sets were really at least 1 rep further from ` +
      `failure than reported, and ${pct(closer / n)} were closer to failure ` +
      "than reported" +
      (atFailure / n > 0 ? `; ${pct(atFailure / n)} ended at failure (true RIR 0)` : "") +
      `. The right panel (bias ${num(bias)} reps) shows the error ` +
      "growing the further from failure people report \u2014 an assumption of this " +
      "simulation, in line with Hackett et al. 2017's finding that estimates are " +
      "more accurate close to failure.";
    const extra = `<p style="color:#444;font-size:0.9em;margin:0">How close was I? ` +
      `(${escapeHtml(data.label)}.) Simulated, not data: bias ${num(bias)} reps; Halperin ` +
      `2022's average, ${num(data.published_bias)}, is over all distances from failure, and ` +
      "applying it at every reported RIR overstates it. The spread is assumed.</p>";
    return {
      panels, sentence, extra,
      alt: `Simulated true RIR of ${n} sets reported at ${reported} RIR (bias ${num(bias)} reps): ` +
        `histogram, mean ${num(mean, 1)}; mean \u00b1 SD for every reported RIR from 0 to 6.`,
    };
  },
};
