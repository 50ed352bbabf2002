"use strict";
const KINDS = JSON.parse(document.getElementById("recsim-kinds").textContent);
let DATA = JSON.parse(document.getElementById("recsim-data").textContent);
const PAGE = 100;
const state = { filter: "", status: "", key: "sid", asc: true, page: 0, rows: [], open: null };
const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";

function el(tag, attrs, text) {
  const e = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

function fmt(x, d) { return x === null || x === undefined ? "" : Number(x).toFixed(d === undefined ? 3 : d); }

function renderSummary() {
  const s = DATA.summary, cards = $("summary-cards");
  cards.replaceChildren();
  const items = [["recordings", s.recordings], ["calls", s.calls], ["recorded audio (s)", fmt(s.total_s, 1)],
    ["by source", s.by_source], ["by status", s.by_status], ["by channels", s.by_channels]];
  for (const [label, v] of items) {
    const c = el("div", { class: "card" });
    c.append(el("b", {}, label));
    c.append(el("span", {}, typeof v === "object" ? Object.entries(v).map(([k, n]) => k + ": " + n).join(", ") || "-" : v));
    cards.append(c);
  }
  renderHistogram(s.durations);
  const tb = $("warnings").tBodies[0];
  tb.replaceChildren();
  if (!s.warnings.length) tb.append(rowOf(["none", "", ""]));
  for (const w of s.warnings) {
    tb.append(rowOf([w.code, w.count, w.first.map((f) => f.call_sid + ": " + f.element + " " + f.message).join("; ")]));
  }
}

function renderHistogram(h) {
  const svg = $("histogram"), W = 480, H = 160, B = 20;
  svg.replaceChildren();
  svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  if (!h.counts.length) { svg.append(el("svg:text", { x: 10, y: 20 }, "no completed recordings")); return; }
  const max = Math.max(...h.counts), bw = (W - 40) / h.counts.length;
  h.counts.forEach((n, i) => {
    const bh = max ? (H - B - 10) * n / max : 0;
    const r = el("svg:rect", { x: 30 + i * bw, y: H - B - bh, width: Math.max(1, bw - 1), height: bh, fill: "#546e7a" });
    r.append(el("svg:title", {}, fmt(h.edges[i], 1) + " to " + fmt(h.edges[i + 1], 1) + " s: " + n));
    svg.append(r);
  });
  svg.append(el("svg:text", { x: 30, y: H - 4, "font-size": 11 }, fmt(h.edges[0], 1) + " s"));
  svg.append(el("svg:text", { x: W - 10, y: H - 4, "font-size": 11, "text-anchor": "end" }, fmt(h.edges[h.edges.length - 1], 1) + " s"));
  svg.append(el("svg:text", { x: 2, y: 12, "font-size": 11 }, max));
}

function rowOf(cells) {
  const tr = el("tr");
  for (const c of cells) tr.append(el("td", {}, c));
  return tr;
}

function applyFilter() {
  const q = state.filter.toLowerCase();
  let rows = DATA.rows.filter((r) => (!state.status || r.status === state.status) &&
    (!q || [r.sid, r.call_sid, r.source, r.status, r.track, r.error_code].some((v) => v !== null && String(v).toLowerCase().includes(q))));
  const k = state.key, sign = state.asc ? 1 : -1;
  rows = rows.slice().sort((a, b) => (a[k] > b[k] ? 1 : a[k] < b[k] ? -1 : 0) * sign);
  state.rows = rows;
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  state.page = Math.min(state.page, pages - 1);
}

function renderTable() {
  applyFilter();
  const tb = $("table").tBodies[0], start = state.page * PAGE, shown = state.rows.slice(start, start + PAGE);
  tb.replaceChildren();
  for (const r of shown) {
    const tr = el("tr", { "data-sid": r.sid });
    tr.append(el("td", { class: "mono" }, r.sid), el("td", { class: "mono" }, r.call_sid), el("td", {}, r.source),
      el("td", { class: "status-" + r.status }, r.status + (r.error_code ? " (" + r.error_code + ")" : "")),
      el("td", {}, r.channels), el("td", {}, r.track), el("td", { class: "num" }, fmt(r.duration_s)));
    if (r.sid === state.open) tr.classList.add("selected");
    tr.addEventListener("click", () => { location.hash = r.sid; });
    tb.append(tr);
  }
  const pages = Math.max(1, Math.ceil(state.rows.length / PAGE));
  $("count").textContent = state.rows.length + " of " + DATA.rows.length + " recordings";
  $("page").textContent = "page " + (state.page + 1) + " of " + pages;
  $("prev").disabled = state.page === 0;
  $("next").disabled = state.page >= pages - 1;
  for (const th of $("table").tHead.rows[0].cells) {
    th.classList.toggle("asc", th.dataset.key === state.key && state.asc);
    th.classList.toggle("desc", th.dataset.key === state.key && !state.asc);
  }
}

function callEvents(callSid) {
  if (DATA.events) return DATA.events[callSid] || [];
  const node = document.getElementById("ev-" + callSid);
  return node ? JSON.parse(node.textContent) : [];
}

function renderLegend() {
  const lg = $("legend");
  lg.replaceChildren();
  for (const k of KINDS) {
    const item = el("span", { class: "legend-item", "data-kind": k.key });
    const sw = el("span", { class: (k.mark ? "line " : "sw ") + k.style });
    sw.style.background = k.color;
    item.append(sw, document.createTextNode(k.name));
    lg.append(item);
  }
}

function renderTimeline(tl) {
  const svg = $("timeline"), W = 1000, H = 90, top = 14, h = 36;
  svg.replaceChildren();
  svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  svg.setAttribute("preserveAspectRatio", "none");
  const defs = el("svg:defs");
  for (const k of KINDS.filter((k) => k.style === "hatched")) {
    const pat = el("svg:pattern", { id: "hatch-" + k.key, width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
    pat.append(el("svg:rect", { width: 6, height: 6, fill: k.color, "fill-opacity": 0.35 }),
      el("svg:line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: k.color, "stroke-width": 3 }));
    defs.append(pat);
  }
  svg.append(defs);
  if (!tl) { svg.append(el("svg:text", { x: 10, y: 30 }, "no timeline for this recording")); return; }
  const ts = [tl.start, tl.stop, ...tl.spans.flatMap((s) => [s[1], s[2]]), ...tl.marks.map((m) => m[1])];
  const lo = Math.min(...ts), hi = Math.max(...ts), span = Math.max(hi - lo, 1e-3);
  const x = (t) => 10 + (t - lo) / span * (W - 20);
  svg.append(el("svg:rect", { class: "axis-bg", x: 10, y: top, width: W - 20, height: h, fill: "#eceff1" }));
  for (const [kind, t0, t1] of tl.spans) {
    const k = KIND.get(kind) || { color: "#999", style: "solid", name: kind };
    const r = el("svg:rect", { class: "span span-" + kind, "data-kind": kind, "data-t0": t0, "data-t1": t1,
      x: x(t0), y: top, width: Math.max(1, x(t1) - x(t0)), height: h,
      fill: k.style === "hatched" ? "url(#hatch-" + kind + ")" : k.color, "fill-opacity": kind === "captured" ? 1 : 0.8,
      stroke: kind === "captured" ? "#78909c" : "none", "vector-effect": "non-scaling-stroke" });
    r.append(el("svg:title", {}, k.name + ": " + fmt(t0) + " to " + fmt(t1) + " s"));
    svg.append(r);
  }
  for (const [kind, t, label] of tl.marks) {
    const k = KIND.get(kind) || { color: "#000", style: "solid", name: kind };
    const g = el("svg:line", { class: "mark mark-" + kind, "data-kind": kind, "data-t": t, x1: x(t), x2: x(t), y1: top - 8, y2: top + h + 6,
      stroke: k.color, "stroke-width": 2, "stroke-dasharray": k.style === "dashed" ? "4 3" : "" });
    g.append(el("svg:title", {}, k.name + (label ? " " + label : "") + " at " + fmt(t) + " s"));
    svg.append(g);
  }
  const step = niceStep(span / 8);
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) {
    svg.append(el("svg:line", { x1: x(t), x2: x(t), y1: top + h + 6, y2: top + h + 10, stroke: "#555" }));
    svg.append(el("svg:text", { x: x(t), y: H - 4, "font-size": 11, "text-anchor": "middle" }, +t.toFixed(3) + " s"));
  }
}

function niceStep(raw) {
  const p = Math.pow(10, Math.floor(Math.log10(raw || 1)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function eventCells(e) {
  const where = e.url ? (e.method ? e.method + " " : "") + e.url : "";
  const bits = [];
  if (e.status) bits.push("HTTP " + e.status);
  if (e.code) bits.push("code " + e.code);
  if (e.message) bits.push(e.message);
  if (e.parameters && e.parameters.RecordingStatus) bits.push("RecordingStatus=" + e.parameters.RecordingStatus);
  else if (e.kind === "api-response" && e.parameters) bits.push(Object.entries(e.parameters).map(([k, v]) => k + "=" + v).join(" "));
  const det = el("details");
  det.append(el("summary", {}, bits.join("; ") || "parameters"));
  det.append(el("pre", {}, JSON.stringify(e.body ? { parameters: e.parameters, body: e.body } : e.parameters || e, null, 1)));
  return [fmt(e.time), e.kind, where, det];
}

function renderDetail(sid) {
  const r = DATA.rows.find((x) => x.sid === sid);
  if (!r) { $("detail").hidden = true; state.open = null; return; }
  state.open = sid;
  $("detail").hidden = false;
  $("detail-title").textContent = r.sid + "  " + r.source + "  " + r.status + "  (call " + r.call_sid + ")";
  renderTimeline(DATA.timelines[sid]);
  const player = $("player");
  if (!player.querySelector("audio") || player.dataset.sid !== sid) {
    player.replaceChildren();
    player.dataset.sid = sid;
    if (r.media) {
      const audio = el("audio", { controls: "", preload: "metadata", src: r.media, "data-duration": r.duration_s });
      player.append(audio);
    } else {
      player.append(el("p", {}, "no media file for this recording"));
    }
  }
  const tb = $("events").tBodies[0];
  tb.replaceChildren();
  for (const e of callEvents(r.call_sid)) {
    const tr = el("tr", { class: "ev-" + e.kind + (e.kind === "debugger-warning" || e.status >= 400 ? " warn" : "") });
    for (const c of eventCells(e)) { const td = el("td"); td.append(c); tr.append(td); }
    tb.append(tr);
  }
  for (const tr of $("table").tBodies[0].rows) tr.classList.toggle("selected", tr.dataset.sid === sid);
}

function renderLive() {
  if (!$("calls-table")) return;
  const counts = {};
  for (const r of DATA.rows) counts[r.call_sid] = (counts[r.call_sid] || 0) + 1;
  const ct = $("calls-table").tBodies[0], et = $("all-events-table").tBodies[0];
  ct.replaceChildren();
  for (const [cs, evs] of Object.entries(DATA.events)) {
    ct.append(rowOf([cs, evs.length, counts[cs] || 0, evs.length ? fmt(evs[evs.length - 1].time) : ""]));
  }
  et.replaceChildren();
  for (const e of DATA.latest || []) {
    et.append(rowOf([fmt(e.time), e.call_sid || "", e.kind, (e.method || "") + " " + (e.url || "")]));
  }
}

function renderAll() {
  renderSummary();
  renderTable();
  renderLive();
  renderDetail(location.hash.slice(1));
}

async function poll() {
  try {
    const res = await fetch(LIVE_URL, { credentials: "same-origin", cache: "no-store" });
    if (res.ok) {
      const next = await res.json();
      if (next.clock !== DATA.clock || next.rows.length !== DATA.rows.length) { DATA = next; renderAll(); }
      $("clock").textContent = "live: simulated time " + next.clock_iso + " (refreshing)";
    }
  } catch (err) {
    $("clock").textContent = "live: the server cannot be reached (" + err + ")";
  }
  setTimeout(poll, 1000);
}

const KIND = new Map(KINDS.map((k) => [k.key, k]));
$("filter").addEventListener("input", (ev) => { state.filter = ev.target.value; state.page = 0; renderTable(); });
$("status-filter").addEventListener("change", (ev) => { state.status = ev.target.value; state.page = 0; renderTable(); });
$("prev").addEventListener("click", () => { state.page -= 1; renderTable(); });
$("next").addEventListener("click", () => { state.page += 1; renderTable(); });
for (const th of $("table").tHead.rows[0].cells) {
  th.addEventListener("click", () => {
    state.asc = state.key === th.dataset.key ? !state.asc : true;
    state.key = th.dataset.key;
    renderTable();
  });
}
for (const st of Object.keys(DATA.summary.by_status).concat(["completed", "absent", "in-progress", "paused"])) {
  if (![...$("status-filter").options].some((o) => o.value === st)) $("status-filter").append(el("option", { value: st }, st));
}
window.addEventListener("hashchange", () => renderDetail(location.hash.slice(1)));
renderLegend();
renderAll();
if (LIVE_URL) setTimeout(poll, 1000);
