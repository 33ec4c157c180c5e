// The browser front end every explorer shares: number formats, an SVG chart, controls, and
// mount(), which wires them to one explorer module. Python writes a "spec" (controls, first
// values, data) and concatenates this file, the explorer's own file and a host footer
// (failurelab/widgets/base.py): the same code runs in JupyterLab (anywidget), in the static
// book, in the reveal.js decks and in RISE (self-contained HTML), with no kernel needed.
// No eval, no network, no dependencies.

const MINUS = "\u2212";
const NBSP = "\u00a0";
const COLOURS = {  // Okabe-Ito, as failurelab.plots.OKABE_ITO
  black: "#000000", orange: "#E69F00", sky: "#56B4E9", green: "#009E73", yellow: "#F0E442",
  blue: "#0072B2", vermillion: "#D55E00", purple: "#CC79A7", grey: "#999999",
};

class InputError extends Error {}

// -- number formats: the same strings as Python's f"{x:.{places}f}" (ties to even) ----------

function fixed(x, places = 2) {
  if (!Number.isFinite(x)) return String(x);
  let text = x.toFixed(places);
  // toFixed rounds an exact decimal tie away from zero; Python rounds it to even. A tie is
  // judged on the double's exact decimal expansion (toFixed(100) is exact wherever a tie at 15
  // places or fewer can occur), never on x * 10 ** places (rounded: 2.55 * 10 gives 25.5)
  if (places <= 15 && Math.abs(x) < 1e21) {
    const [whole, fraction] = Math.abs(x).toFixed(100).split(".");
    const rest = fraction.slice(places);
    if (rest[0] === "5" && /^0*$/.test(rest.slice(1))) {
      const kept = places ? fraction[places - 1] : whole[whole.length - 1];
      if (Number(kept) % 2 === 0) {  // round down to the even digit (toFixed went up)
        text = (x < 0 ? "-" : "") + whole + (places ? `.${fraction.slice(0, places)}` : "");
      }
    }
  }
  if (/^-0(\.0*)?$/.test(text)) text = text.slice(1);  // Python keeps "-0.00"; we never show it
  return text;
}
const num = (x, places = 2) => fixed(x, places).replace("-", MINUS);
const signed = (x, places = 2) => (x > 0 ? "+" : "") + num(x, places);
// Python's f"{x:.2f}" keeps the minus of a negative number that rounds to zero ("\u22120.00");
// num drops it (the course never shows it), pyNum keeps it where a view must match such a
// Python sentence (a CI bound just below zero)
const pyNum = (x, places = 2) => {
  const text = num(x, places);
  return x < 0 && !text.startsWith(MINUS) ? MINUS + text : text;
};
const pct = (fraction, places = 0) => fixed(100 * fraction, places) + NBSP + "%";
const escapeHtml = (text) => String(text).replace(/[&<>"']/g,
  (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" }[c]));

// -- a small SVG chart: panels of lines, areas, points, segments, rules, rects and text -------

function niceTicks(lo, hi, count = 5) {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= count) || 10 * mag;
  const ticks = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  }
  return ticks;
}

function tickLabel(t, ticks) {
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 1;
  let places = 0;
  while (places < 6 && Math.abs(step * 10 ** places - Math.round(step * 10 ** places)) > 1e-6) places++;
  return num(t, places);
}

// legend entries flow in rows across the panel; returns [{layer, x, row}] and the row count
function legendLayout(layers, width) {
  const placed = [];
  let x = 0; let row = 0;
  for (const layer of layers) {
    const w = 30 * (FONT / 13) + layer.label.length * FONT * 0.56;
    if (x > 0 && x + w > width) { x = 0; row += 1; }
    placed.push({ layer, x, row });
    x += w + 12;
  }
  return { placed, rows: layers.length ? row + 1 : 0 };
}

// Figure text is real pixels (the chart is drawn at its rendered width): 13 px, or the
// element's --fl-font (the decks set 24 px so that a room can read it). Set per chart() call.
let FONT = 13;

function chart(panels, width, font = 13) {
  // panels: [{title, x: {min, max, label, ticks}, y: {...}, layers: [...], legend: bool}]
  FONT = font;
  const s = FONT / 13;
  const columns = width >= 620 + 150 * (s - 1) && panels.length > 1 ? panels.length : 1;
  const panelWidth = width / columns;
  // larger text (a deck) gets taller margins but not taller plots: the slide must hold it all
  // a panel may ask for more: minHeight (px at 13 px text), e.g. a forest plot with 30 rows
  const panelHeight = Math.round(Math.max(Math.min(320 + 40 * (s - 1), Math.max(220 * s, panelWidth * 0.5)),
    ...panels.map((p) => (p.minHeight || 0) * s)));
  const rows = Math.ceil(panels.length / columns);
  const parts = [];
  panels.forEach((panel, i) => {
    const ox = (i % columns) * panelWidth;
    const oy = Math.floor(i / columns) * panelHeight;
    parts.push(drawPanel(panel, ox, oy, panelWidth, panelHeight));
  });
  const height = rows * panelHeight;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="${FONT}" ` +
    `aria-hidden="true">${parts.join("")}</svg>`;
}

function drawPanel(panel, ox, oy, w, h) {
  const legend = legendLayout((panel.layers || []).filter((l) => l.label), w - 66);
  const s = FONT / 13;
  const m = { left: 58 * s, right: 14 * s, top: 24 * s + legend.rows * (FONT + 6), bottom: 44 * s };
  if (panel.y.label2) m.right = 58 * s;
  const pw = w - m.left - m.right;
  const ph = h - m.top - m.bottom;
  const { x, y } = panel;
  const sx = (v) => ox + m.left + ((v - x.min) / (x.max - x.min || 1)) * pw;
  const sy = (v) => oy + m.top + ph - ((v - y.min) / (y.max - y.min || 1)) * ph;
  const clipId = `fl-clip-${++uid}`;
  const out = [`<defs><clipPath id="${clipId}"><rect x="${ox + m.left}" y="${oy + m.top}" ` +
    `width="${pw}" height="${ph}"/></clipPath></defs>`];
  const xticks = x.ticks || niceTicks(x.min, x.max, Math.max(3, Math.floor(pw / 70)));
  const yticks = y.ticks || niceTicks(y.min, y.max, Math.max(3, Math.floor(ph / 45)));
  for (const t of xticks) {
    const px = sx(t);
    out.push(`<line x1="${px}" x2="${px}" y1="${oy + m.top}" y2="${oy + m.top + ph}" stroke="#e5e5e5"/>`,
      `<text x="${px}" y="${oy + m.top + ph + FONT + 4}" text-anchor="middle" fill="#333">` +
      `${escapeHtml(x.tickText ? x.tickText(t) : tickLabel(t, xticks))}</text>`);
  }
  for (const t of yticks) {
    const py = sy(t);
    out.push(`<line x1="${ox + m.left}" x2="${ox + m.left + pw}" y1="${py}" y2="${py}" stroke="#e5e5e5"/>`,
      `<text x="${ox + m.left - 6}" y="${py + FONT / 3}" text-anchor="end" fill="#333">` +
      `${escapeHtml(tickLabel(t, yticks))}</text>`);
  }
  out.push(`<rect x="${ox + m.left}" y="${oy + m.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
  const box = { ox: ox + m.left, oy: oy + m.top, pw, ph };
  const layers = panel.layers || [];
  out.push(`<g clip-path="url(#${clipId})">`);
  for (const layer of layers) if (layer.type !== "text") out.push(drawLayer(layer, sx, sy, box));
  out.push("</g>");
  for (const layer of layers) if (layer.type === "text") out.push(drawLayer(layer, sx, sy, box));
  if (x.label) {
    out.push(`<text x="${ox + m.left + pw / 2}" y="${oy + h - 8}" text-anchor="middle" fill="#222">${escapeHtml(x.label)}</text>`);
  }
  if (y.label) {
    const cx = ox + 14 * s; const cy = oy + m.top + ph / 2;
    out.push(`<text x="${cx}" y="${cy}" text-anchor="middle" fill="#222" transform="rotate(-90 ${cx} ${cy})">${escapeHtml(y.label)}</text>`);
  }
  if (panel.title) {
    out.push(`<text x="${ox + m.left}" y="${oy + FONT + 3}" font-weight="bold" fill="#111">${escapeHtml(panel.title)}</text>`);
  }
  legend.placed.forEach(({ layer, x: at, row }) => {
    const lx = ox + m.left + at;
    const ly = oy + 24 * (FONT / 13) + row * (FONT + 6) + FONT / 2;
    const colour = layer.colour || "#333";
    const mark = layer.type === "line" || layer.type === "rule"
      ? `<line x1="${lx}" x2="${lx + 18}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="3"${layer.dash ? ` stroke-dasharray="${layer.dash}"` : ""}/>`
      : `<rect x="${lx + 3}" y="${ly - 6}" width="12" height="12" fill="${colour}" opacity="${layer.opacity ?? 1}"/>`;
    out.push(mark, `<text x="${lx + 24}" y="${ly + FONT / 3}" fill="#222">${escapeHtml(layer.label)}</text>`);
  });
  return out.join("");
}

function drawLayer(layer, sx, sy, box) {
  const colour = layer.colour || COLOURS.blue;
  const dash = layer.dash ? ` stroke-dasharray="${layer.dash}"` : "";
  const path = (pts) => pts.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]))
    .map((p, i) => `${i ? "L" : "M"}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join("");
  switch (layer.type) {
    case "line":
      return `<path d="${path(layer.points)}" fill="none" stroke="${colour}" stroke-width="${layer.width || 2.5}"${dash}/>`;
    case "area": {  // upper: [[x, y]], lower: [[x, y]] (same x order)
      const d = path(layer.upper) + path([...layer.lower].reverse()).replace(/^M/, "L") + "Z";
      return `<path d="${d}" fill="${colour}" opacity="${layer.opacity ?? 0.3}" stroke="none"/>`;
    }
    case "points":
      return layer.points.map((p) => `<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" ` +
        `r="${p[3] || layer.r || 4}" fill="${p[2] || colour}"${layer.stroke ? ` stroke="${layer.stroke}"` : ""}/>`).join("");
    case "segments":  // [[x0, y0, x1, y1, colour?]]
      return layer.segments.map((s) => `<line x1="${sx(s[0]).toFixed(1)}" y1="${sy(s[1]).toFixed(1)}" ` +
        `x2="${sx(s[2]).toFixed(1)}" y2="${sy(s[3]).toFixed(1)}" stroke="${s[4] || colour}" ` +
        `stroke-width="${layer.width || 2}"${dash}/>`).join("");
    case "rects":  // [[x0, y0, x1, y1, colour?]]
      return layer.rects.map((r) => {
        const x0 = sx(Math.min(r[0], r[2])); const x1 = sx(Math.max(r[0], r[2]));
        const y0 = sy(Math.max(r[1], r[3])); const y1 = sy(Math.min(r[1], r[3]));
        return `<rect x="${x0.toFixed(1)}" y="${y0.toFixed(1)}" width="${Math.max(0, x1 - x0).toFixed(1)}" ` +
          `height="${Math.max(0, y1 - y0).toFixed(1)}" fill="${r[4] || colour}" opacity="${layer.opacity ?? 1}"/>`;
      }).join("");
    case "rule":  // {x} vertical or {y} horizontal, across the panel
      if (layer.x !== undefined) {
        const px = sx(layer.x).toFixed(1);
        return `<line x1="${px}" x2="${px}" y1="${box.oy}" y2="${box.oy + box.ph}" stroke="${colour}" stroke-width="${layer.width || 1.5}"${dash}/>`;
      }
      return `<line x1="${box.ox}" x2="${box.ox + box.pw}" y1="${sy(layer.y).toFixed(1)}" y2="${sy(layer.y).toFixed(1)}" stroke="${colour}" stroke-width="${layer.width || 1.5}"${dash}/>`;
    case "text":  // {x, y, text, anchor}
      return `<text x="${sx(layer.x).toFixed(1)}" y="${sy(layer.y).toFixed(1)}" text-anchor="${layer.anchor || "start"}" ` +
        `fill="${layer.colour || "#333"}"${layer.bold ? ' font-weight="bold"' : ""}>${escapeHtml(layer.text)}</text>`;
    default:
      throw new Error(`unknown chart layer ${layer.type}`);
  }
}

// -- shared maths and the data formats Python sends (failurelab/widgets/base.py) -------------

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const normalPdf = (x) => Math.exp(-0.5 * x * x) / SQRT_2PI;

function normalCdf(x) {
  // Phi(x), absolute error below 1e-15: Marsaglia's series (2004, J Stat Softw 11(4)), whose
  // terms are all positive, for |x| < 3; beyond, Laplace's continued fraction for the tail
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 3) {
    const a2 = a * a;
    let term = a; let sum = a;
    for (let i = 3; i < 200; i += 2) {
      term *= a2 / i;
      const next = sum + term;
      if (next === sum) break;
      sum = next;
    }
    const half = normalPdf(a) * sum;  // Phi(a) - 1/2
    return x >= 0 ? 0.5 + half : 0.5 - half;
  }
  let tail = 0;  // Phi(-a) = phi(a) / (a + 1/(a + 2/(a + 3/(a + ...))))
  if (a < 40) {
    let f = a;
    // terms for a relative error below 1e-15 (checked against 400 terms)
    const terms = a < 4 ? 50 : a < 5 ? 30 : a < 6 ? 25 : a < 8 ? 20 : a < 10 ? 16 : a < 15 ? 12 : 8;
    for (let k = terms; k >= 1; k--) f = a + k / f;
    tail = normalPdf(a) / f;
  }
  return x >= 0 ? 1 - tail : tail;
}

function normalQuantile(p) {
  // Acklam's rational approximation (relative error 1.2e-9), then Halley steps on normalCdf
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
    1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
  const b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
    6.680131188771972e+01, -1.328068155288572e+01];
  const c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
    -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
  const d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
    3.754408661907416e+00];
  const tail = (q) => (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  let x;
  if (p < 0.02425) x = tail(Math.sqrt(-2 * Math.log(p)));
  else if (p > 1 - 0.02425) x = -tail(Math.sqrt(-2 * Math.log(1 - p)));
  else {
    const q = p - 0.5; const r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  for (let i = 0; i < 3; i++) {
    const e = normalCdf(x) - p;
    if (e === 0) break;
    const u = e / normalPdf(x);
    x -= u / (1 + (x * u) / 2);
  }
  return x;
}


function f64(text) {
  // little-endian float64 values in base64 (base.pack_f64): exact numbers
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  const out = new Float64Array(bytes.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(8 * i, true);
  return out;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_VALUE = Object.fromEntries([...B64].map((c, i) => [c, i]));

function unpack(text, width) {  // as base.pack_digits: `width` base-64 digits per number
  const out = [];
  for (let i = 0; i < text.length; i += width) {
    let v = 0;
    for (let k = 0; k < width; k++) v = v * 64 + B64_VALUE[text[i + k]];
    out.push(v);
  }
  return out;
}

const commas = (k) => String(k).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

function position(values, value, name) {
  const i = values.findIndex((v) => Math.abs(v - value) < 1e-9);
  if (i < 0) throw new InputError(`${name} must be one of ${values.join(", ")}, got ${value}`);
  return i;
}

// -- controls -----------------------------------------------------------------------------

let uid = 0;

function controlValue(control, input) {
  // a number box or slider -> number (refused, never clamped), a select -> its option, a box -> bool
  if (control.kind === "checkbox") return input.checked;
  if (control.kind === "select") {
    const option = control.options.find((o) => String(o[1]) === input.value);
    return option ? option[1] : input.value;
  }
  const text = input.value.trim().replace(MINUS, "-");
  const value = Number(text);
  if (text === "" || !Number.isFinite(value)) {
    throw new InputError(`${control.label}: type a number`);
  }
  if (value < control.min || value > control.max) {
    throw new InputError(`${control.label} must be between ${num(control.min, control.places ?? 0)} ` +
      `and ${num(control.max, control.places ?? 0)}, got ${text}`);
  }
  const steps = (value - control.min) / control.step;
  if (Math.abs(steps - Math.round(steps)) > 1e-6) {
    throw new InputError(`${control.label} moves in steps of ${control.step}, got ${text}`);
  }
  return Number(value.toFixed(control.places ?? 6));
}

function buildControl(control, onInput) {
  const id = `fl-control-${++uid}`;
  const wrap = document.createElement("div");
  wrap.className = `fl-control fl-${control.kind}`;
  wrap.dataset.name = control.name;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = control.label;
  wrap.append(label);
  let input;
  const boxes = [];
  if (control.kind === "select") {
    input = document.createElement("select");
    for (const [text, value] of control.options) {
      const option = document.createElement("option");
      option.value = String(value);
      option.textContent = text;
      input.append(option);
    }
    boxes.push(input);
  } else if (control.kind === "checkbox") {
    input = document.createElement("input");
    input.type = "checkbox";
    wrap.prepend(input);
    boxes.push(input);
  } else if (control.kind === "button") {
    input = document.createElement("button");
    input.type = "button";
    input.textContent = control.label;
    label.remove();
    wrap.append(input);
    input.id = id;
    input.addEventListener("click", () => onInput(control, null));
    return { wrap, set() {}, get: () => undefined };
  } else {  // range: a slider and a number box, kept in step
    input = document.createElement("input");
    input.type = "range";
    const box = document.createElement("input");
    box.type = "text";
    box.inputMode = "decimal";
    box.className = "fl-box";
    box.setAttribute("aria-label", `${control.label} (type a value)`);
    for (const el of [input, box]) {
      el.min = control.min; el.max = control.max; el.step = control.step;
    }
    boxes.push(input, box);
    input.addEventListener("input", () => { box.value = input.value; });
    box.addEventListener("input", () => {
      const v = Number(box.value);
      if (box.value !== "" && v >= control.min && v <= control.max) input.value = box.value;
    });
  }
  input.id = id;
  if (control.kind !== "checkbox") wrap.append(input);
  if (boxes.length > 1) wrap.append(boxes[1]);
  for (const el of boxes) {
    el.addEventListener(el.type === "checkbox" || el.tagName === "SELECT" ? "change" : "input",
      () => onInput(control, el));
  }
  return {
    wrap,
    get(el = input) { return controlValue(control, el); },
    set(value) {
      if (control.kind === "checkbox") input.checked = Boolean(value);
      else for (const el of boxes) el.value = String(value);
    },
  };
}

const STYLE = `
.fl-explorer{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111;max-width:960px}
.fl-explorer .fl-controls{display:flex;flex-wrap:wrap;gap:6px 22px;align-items:flex-end;margin:4px 0 8px}
.fl-explorer .fl-control{display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px}
.fl-explorer .fl-control label{font-weight:600}
.fl-explorer input[type=range]{width:min(220px,60vw);accent-color:#0072B2}
.fl-explorer .fl-box{width:5.2em;font:inherit;padding:2px 4px}
.fl-explorer select,.fl-explorer button{font:inherit;padding:3px 8px;max-width:100%;min-width:0}
.fl-explorer .fl-control{max-width:100%}
.fl-explorer .fl-figure{width:100%;overflow:hidden}
.fl-explorer .fl-sentence{margin:6px 0}
.fl-explorer .fl-message{color:#A33E00;font-weight:600;min-height:0}
.fl-explorer .fl-extra{margin:6px 0}
`;

// Keys pressed in a control belong to it. JupyterLab, RISE and reveal.js take arrow keys and
// letters as shortcuts in the capture phase on the document (RISE: "next slide"), before the
// control sees them; stopping the event at the window, one step earlier, leaves the key to the
// control's own default action (a slider steps, a box types).
function keepKeysInControls() {
  if (window.failurelabKeys) return;
  window.failurelabKeys = true;
  window.addEventListener("keydown", (event) => {
    if (event.target instanceof Element && event.target.closest(".fl-controls")) event.stopPropagation();
  }, true);
}

// -- mount: one explorer module on one element ----------------------------------------------

function mount(el, spec, explorer, host = {}) {
  // spec: {name, title, controls: [...], params: {...}, data: {...}}; explorer: {update(params,
  // data, ui) -> {panels, sentence, extra?}, action?(name, params, data, ui) -> params?}.
  // host.changed(params) is called after each good update (anywidget tells Python).
  el.classList.add("fl-explorer");
  el.dataset.explorer = spec.name;
  el.replaceChildren();
  if (!document.getElementById("fl-explorer-style")) {
    const style = document.createElement("style");
    style.id = "fl-explorer-style";
    style.textContent = STYLE;
    document.head.append(style);
  }
  const controlsBox = document.createElement("div");
  controlsBox.className = "fl-controls";
  keepKeysInControls();
  const figure = document.createElement("div");
  figure.className = "fl-figure";
  figure.setAttribute("role", "img");
  const sentence = document.createElement("p");
  sentence.className = "fl-sentence";
  sentence.setAttribute("aria-live", "polite");
  const extra = document.createElement("div");
  extra.className = "fl-extra";
  const message = document.createElement("div");
  message.className = "fl-message";
  message.setAttribute("role", "alert");
  el.append(controlsBox, message, figure, sentence, extra);

  let params = { ...spec.params };
  let data = spec.data;
  let last = null;  // the last good result: kept on bad input
  const ui = { el, extra, state: {} };  // explorer-owned state (e.g. accumulated studies)
  const controls = {};

  const render = () => {
    const width = Math.max(280, Math.floor(figure.clientWidth || el.clientWidth || 640));
    const font = parseFloat(getComputedStyle(el).getPropertyValue("--fl-font")) || 13;
    figure.innerHTML = chart(last.panels, width, font);
    figure.setAttribute("aria-label", last.alt || spec.title || spec.name);
    sentence.innerHTML = last.sentence;
    if (last.extra !== undefined) extra.innerHTML = last.extra;
  };

  const apply = (next) => {
    try {
      const result = explorer.update(next, data, ui);
      params = next;
      last = result;
      message.textContent = "";
      render();
      if (host.changed) host.changed(params);
      el.dispatchEvent(new CustomEvent("fl-updated", { detail: { params } }));
      return true;
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      message.textContent = `Not shown: ${error.message}. The figure still shows the last valid setting.`;
      return false;
    }
  };

  const onInput = (control, input) => {
    if (control.kind === "button") {
      const before = params;
      const next = explorer.action(control.name, params, data, ui) || params;
      // an action may set control values (e.g. reveal a hidden d): the controls show them
      if (apply(next)) {
        for (const [name, value] of Object.entries(next)) {
          if (controls[name] && value !== before[name]) controls[name].set(value);
        }
      }
      return;
    }
    let value;
    try {
      value = controls[control.name].get(input);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      message.textContent = `Not shown: ${error.message}. The figure still shows the last valid setting.`;
      return;
    }
    if (control.kind === "range") controls[control.name].set(value);  // both inputs agree
    apply({ ...params, [control.name]: value });
  };

  for (const control of spec.controls) {
    const built = buildControl(control, onInput);
    controls[control.name] = built;
    controlsBox.append(built.wrap);
    if (control.name in params) built.set(params[control.name]);
  }
  if (!apply(params)) throw new Error(`${spec.name}: the first values are not valid`);
  if (typeof ResizeObserver !== "undefined") {
    let width = figure.clientWidth;
    new ResizeObserver(() => {
      if (figure.clientWidth !== width && last) { width = figure.clientWidth; render(); }
    }).observe(figure);
  }
  // for tests, the benchmark and Python: set values as a learner would, read what is shown
  el.failurelab = {
    set(values) {
      for (const [name, value] of Object.entries(values)) if (controls[name]) controls[name].set(value);
      return apply({ ...params, ...values });
    },
    setData(next) { data = next; return apply(params); },
    params: () => ({ ...params }),
    sentence: () => sentence.textContent,
    message: () => message.textContent,
    figure: () => figure.innerHTML,
  };
  return el.failurelab;
}
