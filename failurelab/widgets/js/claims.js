// Claim checker: one claim of the evidence summary checked against one source. Python sends
// every claim-source pair (checklist rows, the source's estimates or the arms' RIR); every text
// is escaped here before it becomes markup.
// Reference: failurelab.widgets.claims.claim_state / ClaimExplorer.describe.

function wrapWords(text, width) {
  const lines = [];
  let line = "";
  for (const word of String(text).split(/\s+/)) {
    if (line && (line + " " + word).length > width) { lines.push(line); line = word; }
    else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function claimSentence(c, data) {
  const counts = data.verdicts.map((v) => [v, c.rows.filter((r) => r.verdict === v).length])
    .filter(([, n]) => n).map(([v, n]) => `${n} ${v}`).join(", ");
  const rows = c.rows.map((r) => `<tr><td>${escapeHtml(r.question)}</td>` +
    `<td>${escapeHtml(r.summary_says)}</td><td>${escapeHtml(r.source_says)}</td>` +
    `<td style="border-left:6px solid ${data.colours[r.verdict]};padding-left:4px">` +
    `<b>${escapeHtml(r.verdict)}</b>${r.comment ? ` &mdash; ${escapeHtml(r.comment)}` : ""}</td></tr>`).join("");
  const table = '<table style="font-size:85%;border-collapse:collapse;overflow-wrap:anywhere"><tr><th>Question</th>' +
    `<th>The summary says</th><th>The source says</th><th>Verdict</th></tr>${rows}</table>`;
  const numbers = c.summary_quotes.length
    ? ` The summary quotes ${c.summary_quotes.map(escapeHtml).join(", ")}; the red lines mark it ` +
      "next to the source's estimates."
    : "";
  return `<b>What the figure shows</b>: claim ${c.claim_id} of the evidence summary ` +
    `(${escapeHtml(c.section)}), \u201c${escapeHtml(c.claim)}\u201d, checked against ${escapeHtml(c.source_key)} (doi:${escapeHtml(c.doi)}; ${escapeHtml(c.verification)}). ` +
    `Verdicts: ${counts}. Status: <b>${escapeHtml(c.status)}</b>.${numbers}${table}`;
}

function checklistPanel(c, data) {
  const n = data.questions.length;
  const short = Object.fromEntries(data.questions);
  const layers = [];
  c.rows.forEach((r, i) => {
    const y = n - 1 - i;
    layers.push({ type: "rects", rects: [[0.01, y - 0.38, 0.27, y + 0.38, data.colours[r.verdict]]] });
    layers.push({ type: "text", x: 0.14, y: y - 0.25, text: r.verdict, anchor: "middle", colour: "#000", bold: true });
    layers.push({ type: "text", x: 0.3, y: y - 0.25, text: short[r.key] || r.question, colour: "#111" });
  });
  return { title: "The checklist: verdicts", x: { min: 0, max: 1, ticks: [] },
    y: { min: -0.6, max: n - 0.4, ticks: [] }, layers };
}

function estimatesPanel(c, data) {
  const rows = c.estimates;
  const k = rows.length;
  const signs = [...new Set(rows.filter((r) => r.linked).map((r) => r.sign))].join("; ");
  const signLines = wrapWords(`Sign: ${signs}`, 40);
  const [lo, hi] = data.estimate_xlim;
  const yMin = -0.7 - 0.75 * signLines.length;
  const yMax = Math.max(k, 3) - 0.3;
  const layers = [];
  const nums = c.numbers;
  if (nums.range) {
    layers.push({ type: "rects", colour: COLOURS.vermillion, opacity: 0.2,
      label: `summary: ${num(nums.range[0], 1)} to ${num(nums.range[1], 1)}`,
      rects: [[nums.range[0], yMin, nums.range[1], yMax]] });
  }
  if (nums.point !== undefined) {
    layers.push({ type: "rule", x: nums.point, colour: COLOURS.vermillion, width: 2, dash: "6 4",
      label: `summary: ${num(nums.point)}` });
  }
  if (nums.ci) {
    nums.ci.forEach((x, i) => layers.push({ type: "rule", x, colour: COLOURS.vermillion, width: 1.2,
      dash: "2 3", label: i ? undefined : `summary's CI: ${num(nums.ci[0], 1)} to ${num(nums.ci[1], 1)}` }));
  }
  layers.push({ type: "rule", x: 0, colour: COLOURS.black, width: 0.8 });
  rows.forEach((r, i) => {
    const y = k - 1 - i;
    const colour = r.linked ? COLOURS.blue : COLOURS.grey;
    if (r.ci_low !== null && r.ci_high !== null) {
      layers.push({ type: "segments", width: 2.5, segments: [[r.ci_low, y, r.ci_high, y, colour]] });
    }
    if (r.estimate !== null) layers.push({ type: "points", r: 5, points: [[r.estimate, y, colour]] });
    layers.push({ type: "text", x: lo + 0.02, y: y + 0.2, text: r.name.length > 30 ? `${r.name.slice(0, 29)}\u2026` : r.name, colour: "#333" });
  });
  signLines.forEach((line, i) => layers.push({ type: "text", x: lo + 0.02, y: -0.9 - 0.75 * i, text: line, colour: "#222" }));
  return { title: "Source's estimates (blue: the claim's)", x: { min: lo, max: hi, label: "Effect as published" },
    y: { min: yMin, max: yMax, ticks: [] }, layers };
}

function rirPanel(c, data) {
  const arms = c.arms;
  const n = arms.length;
  const layers = [];
  arms.forEach(([label, lo, hi], i) => {
    const y = n - 1 - i;
    const colour = label.startsWith("summary") ? COLOURS.vermillion : COLOURS.blue;
    layers.push({ type: "segments", width: 9, segments: [[lo - 0.15, y, hi + 0.15, y, colour]] });
    layers.push({ type: "text", x: data.rir_xlim[0] + 0.1, y: y + 0.25, text: label, colour: "#333" });
  });
  return { title: "Where each arm stopped (red: summary)",
    x: { min: data.rir_xlim[0], max: data.rir_xlim[1], label: "RIR when the sets ended (0 = failure)" },
    y: { min: -0.7, max: n - 0.3, ticks: [] }, layers };
}

const explorer = {
  update(params, data) {
    const c = data.claims[params.claim];
    if (!c) {
      throw new InputError(`claim must be one of ${Object.keys(data.claims).join(", ")}, got ` +
        `${params.claim}`);
    }
    return {
      panels: [checklistPanel(c, data), c.panel === "estimates" ? estimatesPanel(c, data) : rirPanel(c, data)],
      sentence: claimSentence(c, data),
      alt: `Claim ${c.claim_id} checked against ${c.source_key}: ` +
        c.rows.map((r) => `${r.key} ${r.verdict}`).join(", ") + ".",
    };
  },
};
