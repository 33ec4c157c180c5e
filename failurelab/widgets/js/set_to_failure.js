// Set-to-failure explorer: recruitment, excitation and capacity over a set (Potvin & Fuglevand
// 2017's model with the course's set mapping). Python simulates every offered load once and
// sends the series (downsampled) and the exact numbers at every stop; the RIR picks the stop.
// Reference: failurelab.widgets.mechanism.set_state / SetExplorer.describe.

function wholeTicks(end, most = 6) {  // whole repetitions, at most `most` ticks
  const step = [1, 2, 5, 10, 20, 25, 50, 100].find((s) => end / s <= most) || 100;
  const ticks = [];
  for (let t = 0; t <= end + 1e-9; t += step) ticks.push(t);
  return ticks;
}

// `count` repetitions in words: "1 rep", "0 reps", "11 reps" (count: a number or its text)
const reps = (count) => `${count} rep${String(count) === "1" ? "" : "s"}`;

const explorer = {
  update(params, data) {
    const { load, rir } = params;
    const g = data.sets[String(load)];
    if (!g) {
      const loads = Object.keys(data.sets);
      throw new InputError(`load must be one of the loads this explorer offers (${loads[0]}, ` +
        `${loads[1]}, ..., ${loads[loads.length - 1]} % 1RM), got ${load}`);
    }
    const possible = g.reps_possible;
    const fraction = load / 100;
    if (rir >= possible) {  // as failurelab.fatigue.simulate_set
      throw new InputError(`at ${fixed(100 * fraction, 0)} % of 1RM the model reaches failure ` +
        `after ${possible} repetition${possible !== 1 ? "s" : ""}: choose fewer than ${possible} ` +
        "reps in reserve");
    }
    const done = possible - rir;
    const s = g.series;
    const end = s.rep[s.rep.length - 1];
    const series = (key) => s.rep.map((x, i) => [x, s[key][i]]);
    const x = { min: 0, max: end * 1.02, label: "Repetition", ticks: wholeTicks(end * 1.02) };
    const reserve = { type: "rects", rects: [[done, 0, end, 1.05]], colour: COLOURS.grey, opacity: 0.25 };
    const stop = { type: "rule", x: done, colour: COLOURS.vermillion, width: 2 };
    const panels = [
      {
        title: `${pct(fraction)} 1RM: stop after ${done} of ${possible} reps`,
        x, y: { min: 0, max: 1.05, label: "Fraction" },
        layers: [
          reserve,
          { type: "line", points: series("share"), colour: COLOURS.blue, label: "Pool's twitch force recruited" },
          { type: "line", points: series("excitation"), colour: COLOURS.orange, dash: "6 4", label: "Excitation (of maximal)" },
          stop,
        ],
      },
      {
        title: `${rir} in reserve (grey: not performed)`,
        x, y: { min: 0, max: 1.05, label: "Fraction of rested max" },
        layers: [
          reserve,
          { type: "line", points: series("capacity"), colour: COLOURS.green, label: "Capacity (max force now)" },
          { type: "line", points: [[0, fraction], [end, fraction]], colour: COLOURS.black, width: 1.5, dash: "2 3", label: "Load" },
          stop,
        ],
      },
    ];
    const full = g.full_recruitment_rep ?? NaN;
    const where = full > 1
      ? `the whole pool is recruited from rep ${Math.ceil(full)}, about ${reps(fixed(possible - full, 0))} before failure`
      : "the whole pool is recruited from the first rep";
    const sentence = `<b>What the figure shows</b> (model, synthetic): at ${pct(fraction)} of 1RM ${where}. ` +
      `Stopping at ${rir} RIR, the set ends with ${pct(g.share_at_stop[rir])} of the pool's ` +
      `twitch force recruited and a capacity of ${pct(g.capacity_at_stop[rir])} of rested ` +
      "maximal force; " +
      (rir ? `going on to failure would add ${reps(rir)} and lower it to ${pct(g.capacity_at_failure)}.`
        : `the next rep would fail, as capacity falls to ${pct(g.capacity_at_failure)}.`);
    return {
      panels, sentence,
      alt: `Model set at ${fixed(load, 0)} % 1RM stopped after ${done} of ${possible} reps: recruited ` +
        "share and excitation (left) and capacity against the load (right), rep by rep.",
    };
  },
};
