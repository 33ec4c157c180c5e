// Size-principle explorer: the pool at an effort, recomputed in the browser from the unit
// parameters Python sends (Fuglevand et al. 1993 as coded by Potvin & Fuglevand 2017).
// Reference: failurelab.widgets.mechanism.size_principle_state / SizePrincipleExplorer.describe.

const VIRIDIS = ["#440154", "#472c7a", "#3b518b", "#2c718e", "#21908d", "#27ad81", "#5cc863",
  "#aadc32", "#fde725"];

function viridis(t) {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const mix = (a, b) => Math.round(a + (b - a) * (x - i));
  const rgb = (h) => [1, 3, 5].map((k) => parseInt(h.slice(k, k + 2), 16));
  const [a, b] = [rgb(VIRIDIS[i]), rgb(VIRIDIS[i + 1])];
  return `rgb(${mix(a[0], b[0])},${mix(a[1], b[1])},${mix(a[2], b[2])})`;
}

function poolModel(p) {
  // fusion: Pr = x S(knee)/knee below the knee, else S(x) = 1 - exp(-2 x^3)   (eqs. 16-17)
  const knee = p.fusion_knee;
  const kneeSlope = -Math.expm1(-2 * knee ** 3) / knee;
  const fusion = (x) => (x <= knee ? x * kneeSlope : -Math.expm1(-2 * x * x * x));
  const n = p.thresholds.length;
  const rate = (e, i) => (e >= p.thresholds[i]
    ? Math.min(p.rate_gain * (e - p.thresholds[i]) + p.min_rate, p.peak_rates[i]) : 0);
  const unitForce = (e, i) => fusion(p.contraction_times[i] / 1000 * rate(e, i)) * p.twitch_forces[i];
  const force = (e) => { let f = 0; for (let i = 0; i < n; i++) f += unitForce(e, i); return f / p.max_force; };
  const excitationFor = (target) => {  // bisection, as MotorUnitPool.excitation_for_force
    if (target <= 0) return 0;
    let lo = 0; let hi = p.max_excitation;
    for (let k = 0; k < 200 && hi - lo > 1e-10; k++) {
      const mid = (lo + hi) / 2;
      if (force(mid) < target) lo = mid; else hi = mid;
    }
    return hi;
  };
  return { n, rate, unitForce, force, excitationFor };
}

const poolCache = new Map();

const explorer = {
  update(params, data) {
    const key = params.muscle;
    const p = data.pools[key];
    if (!p) throw new InputError(`muscle must be one of ${Object.keys(data.pools).join(", ")}`);
    if (!poolCache.has(key)) {
      const model = poolModel(p);
      const curve = [];
      for (let k = 0; k < 400; k++) {
        const e = (p.max_excitation * k) / 399;
        curve.push([e / p.max_excitation, model.force(e)]);
      }
      const rr = p.thresholds[p.thresholds.length - 1];
      poolCache.set(key, { model, curve, limit: model.force(rr), lastFraction: rr / p.max_excitation });
    }
    const { model, curve, limit, lastFraction } = poolCache.get(key);
    const effort = params.effort;
    const e = model.excitationFor(effort / 100);
    let recruited = 0; let rateSum = 0; let shareSum = 0; let total = 0; let top = 0;
    const forces = [];
    for (let i = 0; i < model.n; i++) {
      const r = model.rate(e, i);
      const on = e >= p.thresholds[i];
      const f = model.unitForce(e, i) / p.max_force;
      forces.push([i + 1, f, on ? viridis((r - 0) / 35) : COLOURS.grey, on]);
      top = Math.max(top, f);
      total += p.twitch_forces[i];
      if (on) { recruited += 1; rateSum += r; shareSum += p.twitch_forces[i]; }
    }
    top = Math.max(top, 0.002) * 1.15;
    const silent = forces.filter((u) => !u[3]).map((u) => [u[0], 0.02 * top, COLOURS.grey, 2.5]);
    const meanRate = recruited ? rateSum / recruited : 0;
    const share = shareSum / total;
    const excitationFraction = e / p.max_excitation;
    const panels = [
      {
        title: `${fixed(effort, 0)} % effort: ${recruited} of ${model.n} units fire`,
        x: { min: 0, max: 121, label: "Motor unit (1 = smallest)" },
        y: { min: 0, max: top, label: "Unit force (fraction of max)" },
        layers: [
          { type: "segments", width: 2.2, segments: forces.filter((u) => u[3]).map((u) => [u[0], 0, u[0], u[1], u[2]]) },
          { type: "points", points: silent, colour: COLOURS.grey, label: "not recruited" },
          { type: "rects", rects: [], colour: viridis(0.5), label: "recruited (dark 8 Hz \u2192 yellow 35 Hz)" },
        ],
      },
      {
        title: p.short,
        x: { min: 0, max: 1, label: "Excitation (fraction of maximal)" },
        y: { min: 0, max: 1.02, label: "Force (fraction of max)" },
        layers: [
          { type: "line", points: curve, colour: COLOURS.blue },
          { type: "rule", x: lastFraction, colour: COLOURS.grey, dash: "5 4" },
          { type: "text", x: 0.03, y: 0.93, colour: "#555",
            text: `dashed: all units recruited (${fixed(100 * limit, 0)} % of max force)` },
          { type: "points", points: [[excitationFraction, effort / 100]], r: 6, colour: COLOURS.vermillion },
        ],
      },
    ];
    let sentence;
    if (recruited === 0) {
      sentence = "At 0 % effort no unit is recruited.";
    } else {
      sentence = `<b>What the figure shows</b> (model, not data): at ${fixed(effort, 0)} % of maximal ` +
        `force the pool needs ${pct(excitationFraction)} of its maximal excitation. ` +
        `${recruited} of ${model.n} units fire, mean rate ${fixed(meanRate, 1)} Hz` +
        (recruited === model.n ? ". "
          : `; they hold ${pct(share)} of the pool's summed twitch force, because the ` +
            "units still silent are the largest ones. ") +
        `This pool recruits its last unit at ${pct(limit)} of maximal force; above that, force ` +
        "rises only by rate coding.";
    }
    return {
      panels, sentence,
      alt: `Pool at ${fixed(effort, 0)} % effort: ${recruited} of ${model.n} units fire; force curve of the ${p.short}.`,
    };
  },
};
