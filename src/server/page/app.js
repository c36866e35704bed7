// dossier's search page. Everything the server sends is data: text is inserted with
// textContent and createTextNode only, never as HTML, so a document holding <script> or
// <img onerror> shows those characters. The whole state lives in the URL.
"use strict";

const PAGE_SIZE = 10;
// URL parameters with a meaning of their own; every other one is a metadata filter.
const RESERVED = new Set(["q", "page", "since", "until", "match", "doc", "passage", "group", "similar", "watch", "mode"]);
const PREFERRED_FACETS = ["source", "country", "year"];
const MAX_FACETS = 6;
// Keys whose values are too many or too free to filter on by clicking.
const NOT_FACETS = new Set(["date", "url", "title", "description", "layout", "modified_time",
  "published_time", "updated", "version", "report_no", "country_name", "tags_raw"]);

const $ = (id) => document.getElementById(id);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let metaKeys = null;
let lastHits = [];
let selected = -1;
let debounce = null;
let generation = 0;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children) {
    if (child == null) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

// ---- state <-> URL ----

function readState() {
  const params = new URLSearchParams(location.search);
  const filters = [];
  for (const [k, v] of params) {
    if (!RESERVED.has(k) && v !== "") filters.push([k, v]);
  }
  return {
    q: params.get("q") || "",
    page: Math.max(1, parseInt(params.get("page") || "1", 10) || 1),
    since: params.get("since") || "",
    until: params.get("until") || "",
    match: params.get("match") || "",
    // Results are grouped by document unless the URL says `group=0`.
    group: params.get("group") !== "0",
    doc: params.get("doc") || "",
    passage: params.get("passage") || "",
    similar: params.get("similar") || "",
    watch: params.get("watch") || "",
    // `mode=quote`: the box holds a quotation to trace to its source.
    quote: params.get("mode") === "quote",
    filters,
  };
}

function stateUrl(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const [k, v] of state.filters) params.append(k, v);
  if (state.since) params.set("since", state.since);
  if (state.until) params.set("until", state.until);
  if (state.match) params.set("match", state.match);
  if (state.group === false) params.set("group", "0");
  if (state.page > 1) params.set("page", String(state.page));
  if (state.doc) params.set("doc", state.doc);
  if (state.passage) params.set("passage", state.passage);
  if (state.similar) params.set("similar", state.similar);
  if (state.watch) params.set("watch", state.watch);
  if (state.quote) params.set("mode", "quote");
  const query = params.toString();
  return query ? "/?" + query : "/";
}

function go(state, replace) {
  const url = stateUrl(state);
  if (url !== location.pathname + location.search) {
    if (replace) history.replaceState(null, "", url);
    else history.pushState(null, "", url);
  }
  render();
}

// ---- rendering ----

function render() {
  const state = readState();
  if (document.activeElement !== $("q")) $("q").value = state.q;
  $("since").value = state.since;
  $("group-toggle").checked = state.group;
  $("quote-toggle").checked = state.quote;
  $("until").value = state.until;
  renderActive(state);
  if (state.doc) {
    openReader(state);
  } else if (state.quote && state.q) {
    $("reader").hidden = true;
    $("results-pane").hidden = false;
    $("filters").hidden = false;
    runQuote(state);
  } else if (state.watch) {
    $("reader").hidden = true;
    $("results-pane").hidden = false;
    $("filters").hidden = false;
    runWatch(state);
  } else if (state.similar) {
    $("reader").hidden = true;
    $("results-pane").hidden = false;
    $("filters").hidden = false;
    runSimilar(state);
  } else {
    $("reader").hidden = true;
    $("results-pane").hidden = false;
    $("filters").hidden = false;
    runSearch(state);
  }
}

function renderActive(state) {
  const list = $("active");
  list.replaceChildren();
  const chips = state.filters.map(([k, v], i) => {
    const remove = () => {
      const next = readState();
      next.filters.splice(i, 1);
      next.page = 1;
      go(next);
    };
    return el("li", { class: "chip" }, `${k}: ${v} `,
      el("button", { type: "button", "aria-label": `Remove filter ${k} ${v}`, onclick: remove, text: "×" }));
  });
  if (state.since || state.until) {
    chips.push(el("li", { class: "chip" }, `dates: ${state.since || "…"} – ${state.until || "…"} `,
      el("button", {
        type: "button", "aria-label": "Remove the date range", text: "×",
        onclick: () => { const next = readState(); next.since = ""; next.until = ""; next.page = 1; go(next); },
      })));
  }
  list.append(...chips);
  $("clear-all").hidden = chips.length === 0 && !state.q;
}

function setStatus(text, kind) {
  const status = $("status");
  status.replaceChildren();
  status.className = "status" + (kind ? " " + kind : "");
  if (typeof text === "string") status.textContent = text;
  else if (text) status.append(text);
}

async function api(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  let body = null;
  try { body = await response.json(); } catch (_) { body = null; }
  if (!response.ok) {
    const error = (body && body.error) || { kind: "http", message: `the server answered ${response.status}` };
    throw error;
  }
  return body;
}

async function knownKeys() {
  if (metaKeys) return metaKeys;
  try {
    const stats = await api("/api/stats");
    metaKeys = stats.meta_keys || [];
  } catch (_) {
    metaKeys = [];
  }
  return metaKeys;
}

function facetKeys(keys) {
  const ordered = PREFERRED_FACETS.filter((k) => keys.includes(k));
  for (const k of keys) {
    if (!ordered.includes(k) && !NOT_FACETS.has(k)) ordered.push(k);
  }
  return ordered.slice(0, MAX_FACETS);
}

async function runSearch(state) {
  const mine = ++generation;
  const results = $("results");
  if (!state.q) {
    results.replaceChildren();
    $("pager").replaceChildren();
    $("facet-panels").replaceChildren();
    lastHits = [];
    $("trend").hidden = true;
    setStatus("Type a query: a word, a \"phrase\", or names such as IRGC.");
    return;
  }
  const keys = facetKeys(await knownKeys());
  const params = new URLSearchParams();
  params.set("q", state.q);
  params.set("limit", String(PAGE_SIZE));
  params.set("offset", String((state.page - 1) * PAGE_SIZE));
  if (state.since) params.set("since", state.since);
  if (state.until) params.set("until", state.until);
  if (state.match) params.set("match", state.match);
  for (const [k, v] of state.filters) params.append("where", `${k}=${v}`);
  if (keys.length) params.set("facets", keys.join(","));
  const searchParams = new URLSearchParams(params);
  if (state.group) {
    params.set("group", "doc");
    params.set("group_size", "2");
  }
  results.setAttribute("aria-busy", "true");
  setStatus("Searching…", "loading");
  let body;
  try {
    body = await api("/api/search?" + params.toString());
  } catch (error) {
    if (mine !== generation) return;
    results.removeAttribute("aria-busy");
    results.replaceChildren();
    $("pager").replaceChildren();
    lastHits = [];
    $("trend").hidden = true;
    showError(error, state);
    return;
  }
  if (mine !== generation) return;
  results.removeAttribute("aria-busy");
  lastHits = body.hits;
  selected = -1;
  renderHits(body, state);
  renderTrend(state, searchParams, mine);
  renderFacets(body.facets || {}, state);
  renderPager(typeof body.total_documents === "number" ? body.total_documents : body.total_hits, state);
}

// The query's share of documents per year, above the results; a bar narrows to its year.
async function renderTrend(state, searchParams, mine) {
  const figure = $("trend");
  const params = new URLSearchParams(searchParams);
  params.delete("limit");
  params.delete("offset");
  params.delete("facets");
  params.set("by", "year");
  let trend;
  try {
    trend = await api("/api/trend?" + params.toString());
  } catch (_) {
    figure.hidden = true;
    return;
  }
  if (mine !== generation) return;
  const series = trend.series && trend.series[0];
  const buckets = series ? series.buckets : [];
  if (buckets.length < 2 || !buckets.some((b) => b.documents > 0)) {
    figure.hidden = true;
    return;
  }
  const NS = "http://www.w3.org/2000/svg";
  const width = 720, height = 120, pad = 18;
  const max = Math.max(...buckets.map((b) => b.share)) || 1;
  const slot = (width - 2 * pad) / buckets.length;
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height + 16}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `Share of documents matching per year`);
  buckets.forEach((b, i) => {
    const h = (b.share / max) * (height - pad);
    const bar = document.createElementNS(NS, "rect");
    bar.setAttribute("x", String(pad + i * slot + 1));
    bar.setAttribute("y", String(height - h));
    bar.setAttribute("width", String(Math.max(1, slot - 2)));
    bar.setAttribute("height", String(Math.max(h, b.documents > 0 ? 1 : 0)));
    bar.setAttribute("class", "bar" + (String(b.key) === state.since && state.since === state.until ? " active" : ""));
    bar.setAttribute("data-key", String(b.key));
    bar.setAttribute("tabindex", "0");
    const title = document.createElementNS(NS, "title");
    title.textContent = `${b.key}: ${b.documents} of ${b.all_documents} documents (${(b.share * 100).toFixed(1)}%)`;
    bar.append(title);
    const narrow = () => {
      const next = readState();
      next.since = String(b.key);
      next.until = String(b.key);
      next.page = 1;
      go(next);
    };
    bar.addEventListener("click", narrow);
    bar.addEventListener("keydown", (event) => { if (event.key === "Enter") narrow(); });
    svg.append(bar);
  });
  for (const at of [0, buckets.length - 1]) {
    const label = document.createElementNS(NS, "text");
    label.setAttribute("x", String(pad + at * slot + slot / 2));
    label.setAttribute("y", String(height + 13));
    label.setAttribute("text-anchor", at === 0 ? "start" : "end");
    label.textContent = String(buckets[at].key);
    svg.append(label);
  }
  $("trend-caption").textContent = `Share of documents per year that match (click a year to narrow)`;
  $("trend-chart").replaceChildren(svg);
  figure.hidden = false;
}

// Trace a quotation to the passages that hold it (or something close), with the differences.
async function runQuote(state) {
  const mine = ++generation;
  const results = $("results");
  $("trend").hidden = true;
  $("facet-panels").replaceChildren();
  $("pager").replaceChildren();
  const params = new URLSearchParams();
  params.set("q", state.q);
  params.set("limit", String(PAGE_SIZE));
  for (const [k, v] of state.filters) params.append("where", `${k}=${v}`);
  if (state.since) params.set("since", state.since);
  if (state.until) params.set("until", state.until);
  results.setAttribute("aria-busy", "true");
  setStatus("Looking for the quote…", "loading");
  let body;
  try {
    body = await api("/api/quote?" + params.toString());
  } catch (error) {
    if (mine !== generation) return;
    results.removeAttribute("aria-busy");
    results.replaceChildren();
    showError(error, state);
    return;
  }
  if (mine !== generation) return;
  results.removeAttribute("aria-busy");
  results.replaceChildren();
  lastHits = body.hits;
  selected = -1;
  if (!body.hits.length) {
    setStatus(el("span", {}, el("strong", { text: "No passage holds this quote" }), " or anything close to it."), "empty");
    return;
  }
  setStatus(`${body.hits.length} passage${body.hits.length === 1 ? "" : "s"} hold the quote or something close to it`);
  body.hits.forEach((hit, i) => {
    const item = hitItem(hit, i);
    const coverage = el("span", { class: "coverage", text: ` · ${Math.round(hit.coverage * 100)}% of the quote` });
    item.querySelector(".cite").append(coverage);
    if (hit.differences && hit.differences.length) {
      const list = el("ul", { class: "differences", "aria-label": "Differences from the quote" });
      for (const d of hit.differences) {
        list.append(el("li", {}, el("span", { class: "kind", text: d.kind }), " ",
          el("span", { class: "quote-side", text: d.quote || "—" }), " → ",
          el("span", { class: "source-side", text: d.source || "—" })));
      }
      item.querySelector(".actions").before(list);
    }
    results.append(item);
  });
}

// The watch-lists `dossier serve --watch` was given, with what is new for each query.
async function loadWatchLists() {
  let body;
  try {
    body = await api("/api/watch");
  } catch (_) {
    return;
  }
  if (!body.lists || !body.lists.length) return;
  const holder = $("watch-lists");
  holder.replaceChildren();
  for (const list of body.lists) {
    const items = el("ul", { class: "watch-queries" });
    for (const q of list.queries) {
      const label = q.error ? `${q.query} (error)` : `${q.query}`;
      const button = el("button", { type: "button", class: "facet watch-query", "data-list": String(list.list), "data-query": q.id },
        el("span", { class: "value", text: label }), " ",
        el("span", { class: "count", text: q.error ? "!" : `${q.new_total} new` }));
      button.addEventListener("click", () => {
        const next = readState();
        next.watch = `${list.list}:${q.id}`;
        next.page = 1;
        go(next);
      });
      items.append(el("li", {}, button));
    }
    holder.append(el("h3", { text: `${list.name} · ${list.new_total} new` }), items);
  }
  $("watch-panel").hidden = false;
}

// One watch-list query's new passages (read only: `dossier watch` advances the state).
async function runWatch(state) {
  const mine = ++generation;
  const results = $("results");
  $("trend").hidden = true;
  $("facet-panels").replaceChildren();
  $("pager").replaceChildren();
  const at = state.watch.indexOf(":");
  const list = state.watch.slice(0, at);
  const query = state.watch.slice(at + 1);
  setStatus("Loading what is new…", "loading");
  let body;
  try {
    const response = await fetch(`/api/watch?list=${encodeURIComponent(list)}&query=${encodeURIComponent(query)}&limit=50`);
    const text = await response.text();
    body = JSON.parse(text.split("\n")[0] || "{}");
    if (!response.ok) throw body.error || { message: `the server answered ${response.status}` };
  } catch (error) {
    if (mine !== generation) return;
    results.replaceChildren();
    showError(error, state);
    return;
  }
  if (mine !== generation) return;
  results.replaceChildren();
  lastHits = body.hits || [];
  selected = -1;
  if (body.error) {
    setStatus(el("span", {}, el("strong", { text: `${body.query}: ` }), body.error), "error");
    return;
  }
  setStatus(el("span", {}, el("strong", { text: `Watch: ${body.query}` }),
    ` · ${body.new_total} new since the last \`dossier watch\` run (${body.status.replace("_", " ")})`));
  lastHits.forEach((hit, i) => results.append(hitItem(hit, i)));
}

// Passages like one passage (its distinctive words), other documents only.
async function runSimilar(state) {
  const mine = ++generation;
  const results = $("results");
  $("trend").hidden = true;
  $("facet-panels").replaceChildren();
  const params = new URLSearchParams();
  params.set("id", state.similar);
  params.set("limit", String(PAGE_SIZE));
  params.set("offset", String((state.page - 1) * PAGE_SIZE));
  for (const [k, v] of state.filters) params.append("where", `${k}=${v}`);
  if (state.since) params.set("since", state.since);
  if (state.until) params.set("until", state.until);
  results.setAttribute("aria-busy", "true");
  setStatus("Finding similar passages…", "loading");
  let body;
  try {
    body = await api("/api/similar?" + params.toString());
  } catch (error) {
    if (mine !== generation) return;
    results.removeAttribute("aria-busy");
    results.replaceChildren();
    showError(error, state);
    return;
  }
  if (mine !== generation) return;
  results.removeAttribute("aria-busy");
  lastHits = body.hits;
  selected = -1;
  results.replaceChildren();
  const words = (body.explain && body.explain.understood && body.explain.understood[0]) || "";
  setStatus(el("span", {}, el("strong", { text: "Similar to " }), el("code", { text: state.similar }),
    ` · ${body.total_hits.toLocaleString("en")} passages · `, el("span", { class: "note", text: words.replace(/^like [^,]*, /, "") })));
  body.hits.forEach((hit, i) => results.append(hitItem(hit, i)));
  renderPager(body.total_hits, state);
}

function showError(error, state) {
  if (error.kind === "query" && error.column) {
    const caret = " ".repeat(Math.max(0, error.column - 1)) + "^";
    setStatus(el("span", {},
      el("strong", { text: "Bad query: " }), error.message,
      el("pre", { class: "caret" }, state.q + "\n" + caret + " column " + error.column)), "error");
  } else {
    setStatus(el("span", {}, el("strong", { text: "Cannot search: " }), error.message || String(error)), "error");
  }
}

function renderHits(body, state) {
  const results = $("results");
  results.replaceChildren();
  const total = body.total_hits;
  const documents = body.total_documents;
  if (total === 0) {
    const why = el("span", {}, el("strong", { text: "No passage matches " }), el("q", { text: state.q }), ". ");
    if (state.filters.length || state.since || state.until) {
      why.append("The filters may be what leaves nothing: ",
        el("button", { type: "button", class: "link", text: "search without filters",
          onclick: () => { const next = readState(); next.filters = []; next.since = ""; next.until = ""; next.page = 1; go(next); } }),
        ". ");
    }
    if (state.match !== "any") {
      why.append(el("button", { type: "button", class: "link", text: "Show passages with any of the words",
        onclick: () => { const next = readState(); next.match = "any"; next.page = 1; go(next); } }));
    }
    setStatus(why, "empty");
    return;
  }
  const first = (state.page - 1) * PAGE_SIZE + 1;
  const last = first + body.hits.length - 1;
  const counted = typeof documents === "number"
    ? `${documents.toLocaleString("en")} document${documents === 1 ? "" : "s"} (${total.toLocaleString("en")} passage${total === 1 ? "" : "s"})`
    : `${total.toLocaleString("en")} passage${total === 1 ? "" : "s"}`;
  const summary = `${counted} · ${first}–${last}` +
    (typeof body.took_ms === "number" ? ` · ${body.took_ms} ms` : "");
  const note = body.match_mode === "any"
    ? el("span", { class: "note", text: " · no passage has every word: showing passages with any of them" })
    : null;
  setStatus(el("span", {}, summary, note));
  body.hits.forEach((hit, i) => results.append(hitItem(hit, i)));
}

function citationText(p) {
  const lines = p.line_start === p.line_end ? `${p.line_start}` : `${p.line_start}-${p.line_end}`;
  const number = p.part ? `${p.paragraph}.${p.part}` : `${p.paragraph}`;
  let s = `${p.path}:${lines} ¶${number}`;
  if (p.source_paragraph) s += ` (source ¶${p.source_paragraph})`;
  s += ` — ${p.title}`;
  if (p.section) s += ` › ${p.section}`;
  const source = p.meta && typeof p.meta.source === "string" ? p.meta.source : null;
  const date = p.meta && p.meta.date ? String(p.meta.date) : (p.meta && p.meta.year != null ? String(p.meta.year) : null);
  if (source && date) s += ` · ${source}, ${date}`;
  else if (source) s += ` · ${source}`;
  else if (date) s += ` · ${date}`;
  return s;
}

function citationMarkdown(p) {
  const number = p.part ? `${p.paragraph}.${p.part}` : `${p.paragraph}`;
  const lines = p.line_start === p.line_end ? `${p.line_start}` : `${p.line_start}-${p.line_end}`;
  const meta = [p.meta && p.meta.source, p.meta && (p.meta.date || p.meta.year)].filter((x) => x != null && x !== "");
  const title = p.meta && p.meta.url ? `[${p.title}](${p.meta.url})` : `*${p.title}*`;
  return `> ${p.text}\n\n— ${title}${p.section ? ", “" + p.section + "”" : ""}, ¶${number}` +
    `${meta.length ? " (" + meta.join(", ") + ")" : ""}; \`${p.path}:${lines}\``;
}

// The passage text with the highlight byte ranges as <mark>s (a phrase is one range).
function highlighted(text, ranges) {
  const bytes = encoder.encode(text);
  const frag = document.createDocumentFragment();
  let at = 0;
  for (const [start, end] of ranges || []) {
    if (start < at || end > bytes.length || start >= end) continue;
    if (start > at) frag.append(document.createTextNode(decoder.decode(bytes.slice(at, start))));
    frag.append(el("mark", { text: decoder.decode(bytes.slice(start, end)) }));
    at = end;
  }
  if (at < bytes.length) frag.append(document.createTextNode(decoder.decode(bytes.slice(at))));
  return frag;
}

async function copy(text, button, label) {
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch (_) {
    const area = el("textarea", { class: "visually-hidden", "aria-hidden": "true" });
    area.value = text;
    document.body.append(area);
    area.select();
    try { ok = document.execCommand("copy"); } catch (_) { ok = false; }
    area.remove();
  }
  button.dataset.copied = text;
  button.textContent = ok ? "Copied" : "Copy failed";
  setTimeout(() => { button.textContent = label; }, 1500);
}

function hitItem(hit, i) {
  const cite = citationText(hit);
  const copyPlain = el("button", { type: "button", class: "copy", text: "Copy citation" });
  copyPlain.addEventListener("click", () => copy(cite, copyPlain, "Copy citation"));
  const copyMd = el("button", { type: "button", class: "copy-md", text: "Copy as Markdown" });
  copyMd.addEventListener("click", () => copy(citationMarkdown(hit), copyMd, "Copy as Markdown"));
  const open = el("button", { type: "button", class: "open", text: "Open in document" });
  open.addEventListener("click", () => openHit(hit));
  const like = el("button", { type: "button", class: "similar", text: "Similar" });
  like.addEventListener("click", () => {
    const next = readState();
    next.similar = hit.passage_id;
    next.page = 1;
    go(next);
  });
  const item = el("li", { class: "hit", tabindex: "-1", "data-passage-id": hit.passage_id },
    el("div", { class: "cite" },
      el("span", { class: "rank", text: `${hit.rank}.` }), " ",
      el("span", { class: "citation", text: cite })),
    el("p", { class: "text" }, highlighted(hit.text, hit.highlights)),
    copiesNote(hit),
    el("div", { class: "actions" }, copyPlain, copyMd, open, like),
    groupList(hit));
  item.addEventListener("click", (event) => {
    if (event.target === item) select(i);
  });
  return item;
}

// A grouped hit's other matching passages of the same document, and the count of the rest.
function groupList(hit) {
  if (!hit.group || (!hit.group.passages.length && !hit.group.more)) return null;
  const list = el("ul", { class: "group", "aria-label": "More passages of this document" });
  for (const p of hit.group.passages) {
    const open = el("button", { type: "button", class: "link", text: citationText(p).split(" — ")[0] });
    open.addEventListener("click", () => openHit(p));
    list.append(el("li", {}, open, el("p", { class: "text" }, highlighted(p.text, p.highlights)), copiesNote(p)));
  }
  if (hit.group.more) {
    list.append(el("li", { class: "more", text: `+ ${hit.group.more} more matching passage${hit.group.more === 1 ? "" : "s"} in this document` }));
  }
  return list;
}

// The copies folded under a hit (the same passage syndicated or repeated by other documents):
// "also in N sources", and on click the list of them, earliest first, each opening its document.
function copiesNote(hit) {
  const total = hit.copies_total || 0;
  if (!total) return null;
  const listed = hit.copies || [];
  const list = el("ul", { class: "copies-list", "aria-label": "The same passage in other documents" });
  list.hidden = true;
  for (const c of listed) {
    const name = c.source || c.title;
    const open = el("button", { type: "button", class: "link", text: c.date ? `${name}, ${c.date}` : name });
    open.addEventListener("click", () => openHit(c));
    list.append(el("li", {}, open, c.source ? el("span", { class: "copy-title", text: ` — ${c.title}` }) : null));
  }
  if (total > listed.length) {
    list.append(el("li", { class: "more", text: `+ ${total - listed.length} more` }));
  }
  const toggle = el("button", {
    type: "button", class: "link copies-toggle", "aria-expanded": "false",
    text: `also in ${total.toLocaleString("en")} source${total === 1 ? "" : "s"}`,
  });
  toggle.addEventListener("click", () => {
    const opening = list.hidden;
    list.hidden = !opening;
    toggle.setAttribute("aria-expanded", String(opening));
  });
  return el("div", { class: "copies" }, toggle, list);
}

function openHit(hit) {
  const next = readState();
  next.doc = hit.doc_id;
  next.passage = hit.passage_id;
  go(next);
}

function renderFacets(facets, state) {
  const panels = $("facet-panels");
  panels.replaceChildren();
  for (const [key, counted] of Object.entries(facets)) {
    if (!counted.length) continue;
    // Years (and other numbers) read best in order, newest first.
    const values = counted.every((v) => typeof v.value === "number")
      ? [...counted].sort((a, b) => b.value - a.value)
      : counted;
    const list = el("ul", { class: "facet-values" });
    for (const v of values) {
      const value = String(v.value);
      const active = state.filters.some(([k, x]) => k === key && x === value);
      const button = el("button", {
        type: "button", class: "facet" + (active ? " active" : ""),
        "aria-pressed": active ? "true" : "false",
        "data-key": key, "data-value": value,
      }, el("span", { class: "value", text: value }), " ",
        el("span", { class: "count", text: v.documents.toLocaleString("en") }));
      button.addEventListener("click", () => {
        const next = readState();
        const at = next.filters.findIndex(([k, x]) => k === key && x === value);
        if (at >= 0) next.filters.splice(at, 1);
        else next.filters.push([key, value]);
        next.page = 1;
        go(next);
      });
      list.append(el("li", {}, button));
    }
    panels.append(el("section", { class: "facet-panel", "aria-label": `Filter by ${key}` },
      el("h2", { text: key }), list));
  }
}

function renderPager(total, state) {
  const pager = $("pager");
  pager.replaceChildren();
  const pages = Math.ceil(total / PAGE_SIZE);
  if (pages <= 1) return;
  const to = (page) => () => { const next = readState(); next.page = page; go(next); window.scrollTo(0, 0); };
  if (state.page > 1) pager.append(el("button", { type: "button", class: "prev", text: "← Previous", onclick: to(state.page - 1) }));
  pager.append(el("span", { class: "page", text: ` page ${state.page} of ${pages.toLocaleString("en")} ` }));
  if (state.page < pages) pager.append(el("button", { type: "button", class: "next", text: "Next →", onclick: to(state.page + 1) }));
}

// ---- the reading view ----

async function openReader(state) {
  const mine = ++generation;
  $("results-pane").hidden = true;
  $("filters").hidden = true;
  $("reader").hidden = false;
  $("doc-title").textContent = "Loading…";
  $("doc-meta").textContent = "";
  $("doc-passages").replaceChildren();
  let doc;
  try {
    doc = await api("/api/document?id=" + encodeURIComponent(state.doc));
  } catch (error) {
    if (mine !== generation) return;
    $("doc-title").textContent = "Cannot open the document";
    $("doc-meta").textContent = error.message || String(error);
    return;
  }
  if (mine !== generation) return;
  $("doc-title").textContent = doc.title;
  const meta = Object.entries(doc.meta || {}).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : v}`);
  $("doc-meta").textContent = [doc.path, ...meta].join(" · ");
  let target = null;
  let section = null;
  for (const p of doc.passages) {
    if (p.section && p.section !== section) {
      $("doc-passages").append(el("li", { class: "section", text: p.section }));
      section = p.section;
    }
    const isTarget = p.passage_id === state.passage;
    const item = el("li", { class: "passage" + (isTarget ? " target" : ""), id: "p-" + p.paragraph + (p.part ? "-" + p.part : "") },
      el("div", { class: "cite", text: citationText(p) }),
      el("p", { class: "text", text: p.text }));
    if (isTarget) {
      item.setAttribute("aria-current", "true");
      target = item;
    }
    $("doc-passages").append(item);
  }
  if (target) target.scrollIntoView({ block: "center" });
}

// ---- keyboard and inputs ----

function select(i) {
  const items = Array.from(document.querySelectorAll("#results .hit"));
  if (!items.length) return;
  selected = Math.max(0, Math.min(items.length - 1, i));
  items.forEach((item, k) => item.classList.toggle("selected", k === selected));
  items[selected].focus();
  items[selected].scrollIntoView({ block: "nearest" });
}

function typing(target) {
  return target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA");
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const inInput = typing(event.target);
  if (event.key === "/" && !inInput) {
    event.preventDefault();
    $("q").focus();
    $("q").select();
  } else if (event.key === "Escape") {
    const state = readState();
    if (state.doc) {
      go({ ...state, doc: "", passage: "" });
    } else if (event.target === $("q")) {
      $("q").value = "";
      go({ ...state, q: "", page: 1 });
    }
  } else if (!$("reader").hidden) {
    return;
  } else if ((event.key === "ArrowDown" || (event.key === "j" && !inInput)) && lastHits.length) {
    event.preventDefault();
    select(selected + 1);
  } else if ((event.key === "ArrowUp" || (event.key === "k" && !inInput)) && lastHits.length) {
    event.preventDefault();
    select(selected - 1);
  } else if (event.key === "Enter" && !inInput && selected >= 0 && lastHits[selected]) {
    event.preventDefault();
    openHit(lastHits[selected]);
  }
});

function init() {
  $("q").addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      const state = readState();
      go({ ...state, q: $("q").value.trim(), page: 1, doc: "", passage: "", similar: "", watch: "" }, true);
    }, 250);
  });
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(debounce);
    const state = readState();
    go({ ...state, q: $("q").value.trim(), page: 1, doc: "", passage: "", similar: "", watch: "" });
  });
  const dates = () => {
    const state = readState();
    go({ ...state, since: $("since").value.trim(), until: $("until").value.trim(), page: 1 });
  };
  $("since").addEventListener("change", dates);
  $("quote-toggle").addEventListener("change", () => {
    const state = readState();
    go({ ...state, quote: $("quote-toggle").checked, page: 1, similar: "", watch: "" });
  });
  $("group-toggle").addEventListener("change", () => {
    const state = readState();
    go({ ...state, group: $("group-toggle").checked, page: 1 });
  });
  $("until").addEventListener("change", dates);
  $("clear-all").addEventListener("click", () => {
    $("q").value = "";
    go({ q: "", page: 1, since: "", until: "", match: "", group: true, doc: "", passage: "", filters: [] });
  });
  $("syntax-toggle").addEventListener("click", () => {
    const open = $("syntax").hidden;
    $("syntax").hidden = !open;
    $("syntax-toggle").setAttribute("aria-expanded", String(open));
  });
  $("back").addEventListener("click", () => {
    const state = readState();
    go({ ...state, doc: "", passage: "" });
  });
  $("home").addEventListener("click", (event) => {
    event.preventDefault();
    $("q").value = "";
    go({ q: "", page: 1, since: "", until: "", match: "", group: true, doc: "", passage: "", filters: [] });
  });
  window.addEventListener("popstate", render);
  render();
  loadWatchLists();
}

init();
