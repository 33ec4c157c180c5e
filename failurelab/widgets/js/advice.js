// Decision aid "So, should you train to failure?": the view LOOKS UP the recommendation that
// Python computed for the current input combination (data.recommendations, keyed by the control
// values in data.order; its reasons are indices into data.reasons) and draws it. No rule is
// computed here.
// Reference: failurelab.advice.recommend / failurelab.advice.sentence (AdviceExplorer.describe).

const KIND_COLOURS = { evidence: "#005A8C", model: "#4D4D4D", heuristic: "#8A4500" };
const FAILURE_TITLE = { "last-set": "failure: last set", calibrate: "failure: now and then",
  no: "no failure sets" };

// links to the course sections: .html in the book, .ipynb in JupyterLab (both relative to
// chapters/04_limitations/, where this explorer lives)
function sectionHref(path) {
  const inBook = typeof location !== "undefined" && /\.html?$/.test(location.pathname);
  return `../../${path}${inBook ? ".html" : ".ipynb"}`;
}

const explorer = {
  update(params, data) {
    const key = data.order.map((name) => params[name]).join("|");
    const rec = Object.prototype.hasOwnProperty.call(data.recommendations, key)
      ? data.recommendations[key] : null;
    if (!rec) throw new InputError(`no recommendation for ${key}`);
    const [lo, hi] = rec.rir;
    const layers = [
      { type: "rects", rects: [[lo, 2.0, hi, 2.8]], colour: COLOURS.blue, opacity: 0.85,
        label: `most sets: ${rec.rir_text}` },
      { type: "rule", x: 0, colour: COLOURS.grey, dash: "5 4" },
      { type: "text", x: (lo + hi) / 2, y: 3.0, text: rec.rir_text, anchor: "middle", bold: true,
        colour: "#111" },
      { type: "text", x: -0.35, y: 0.35, text: `sets: ${rec.sets}`, colour: "#222" },
    ];
    if (rec.failure === "last-set") {
      layers.push({ type: "points", points: [[0, 1.3]], r: 8, colour: COLOURS.vermillion,
        label: "set to failure: an option on the last set" });
    } else if (rec.failure === "calibrate") {
      layers.push({ type: "points", points: [[0, 1.3, "#ffffff"]], r: 8, stroke: COLOURS.vermillion,
        colour: COLOURS.vermillion, label: "set to failure now and then, to calibrate" });
    }
    layers.push({ type: "text", x: 0.3, y: 1.2, colour: "#222",
      text: rec.failure === "no" ? "no set to failure here" : `failure: ${rec.failure_where}` });
    const panels = [{
      title: `Most sets ${rec.rir_text} \u00b7 ${FAILURE_TITLE[rec.failure]}`,
      x: { min: -0.5, max: 6.5, ticks: [0, 1, 2, 3, 4, 5, 6], label: "Repetitions in reserve (0 = failure)" },
      y: { min: 0, max: 3.4, ticks: [], label: "" },
      layers,
    }];
    const c = rec.counts;
    const sentence = "<b>The recommendation</b> (a heuristic built on evidence and the course's model): " +
      `for ${escapeHtml(rec.case)}, stop most sets at ${rec.rir_text}; a set to failure: ` +
      `${escapeHtml(rec.failure_where)}; ${escapeHtml(rec.sets)}. ` +
      `${rec.reasons.length} reasons: ${c.evidence} from evidence, ${c.model} from the model, ` +
      `${c.heuristic} heuristic.`;
    const reasons = rec.reasons.map((i) => data.reasons[i]).map((r) => {
      const colour = KIND_COLOURS[r.kind];
      return `<li style="margin:4px 0"><span style="font-weight:700;color:${colour};border:1px solid ` +
        `${colour};border-radius:3px;padding:0 4px;font-size:0.85em">${escapeHtml(r.kind)}</span> ` +
        `${escapeHtml(r.text)} <a href="${escapeHtml(sectionHref(r.path))}">` +
        `${escapeHtml(r.section)}: ${escapeHtml(r.heading)}</a></li>`;
    }).join("");
    const extra = `<div class="fl-advice" style="border-left:6px solid ${COLOURS.blue};padding:4px 12px">` +
      `<p style="font-size:2.2em;font-weight:700;line-height:1.15;margin:0">${rec.rir_text}</p>` +
      "<p style=\"font-size:1.3em;font-weight:600;margin:0 0 6px\">on most sets</p>" +
      `<p style="font-size:1.2em;margin:4px 0"><b>Set to failure:</b> ${escapeHtml(rec.failure_where)}</p>` +
      `<p style="font-size:1.2em;margin:4px 0"><b>Sets:</b> ${escapeHtml(rec.sets)}</p></div>` +
      `<p style="margin:10px 0 2px;font-weight:600">Why (${rec.reasons.length} reasons)</p>` +
      `<ul style="padding-left:1.2em;margin:0">${reasons}</ul>`;
    return {
      panels, sentence, extra,
      alt: `Decision aid: most sets ${rec.rir_text}; ${FAILURE_TITLE[rec.failure]}; ${rec.sets}.`,
    };
  },
};
