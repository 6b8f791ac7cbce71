// tracking-mock inspector: hand-written, no dependencies, no build step.
//
// Everything a client sent is put on the page as text (textContent, never innerHTML).
// The admin token, if the server wants one, comes from the URL fragment (#token=...) or a
// prompt, is kept in sessionStorage only, and is sent as X-Admin-Token on every request,
// the live stream included: the stream is read with fetch(), which can send headers, so
// the token never goes into a URL.
"use strict";

const API = "/_mock/ui/api";
const TOKEN_KEY = "tracking-mock-admin-token";
const CALL_FILTERS = ["account", "method", "status", "path", "warning", "q"];
const EVENT_FILTERS = ["account", "eventName", "value", "metadata", "limit"];
const PAGE = 50;

const state = {
  tab: "calls",
  before: null, // the calls page cursor: null is the newest page
  selected: null, // seq of the call shown in full
  latestShown: 0,
  eventCursors: [], // startingAfter ids of the pages before the current one
  eventCursor: null,
};

// ---- small helpers ---------------------------------------------------------------

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const $ = (selector) => document.querySelector(selector);

function toast(text) {
  const box = $("#toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 2500);
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

function takeTokenFromFragment() {
  const match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
}

function headers(extra) {
  const all = Object.assign({ Accept: "application/json" }, extra || {});
  const value = token();
  if (value) all["X-Admin-Token"] = value;
  return all;
}

class RequestFailed extends Error {}

// A JSON request to the mock; on 401/403 asks once for the admin token and retries.
async function request(method, url, body, retried) {
  const init = { method, headers: headers(), cache: "no-store" };
  if (body !== undefined) {
    // The admin API takes state changes only as JSON bodies.
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  if ((response.status === 401 || response.status === 403) && !retried) {
    const given = prompt("This tracking-mock wants an admin token:");
    if (given) {
      sessionStorage.setItem(TOKEN_KEY, given);
      return request(method, url, body, true);
    }
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch (error) {
    throw new RequestFailed(`${response.status}: not JSON`);
  }
  if (!response.ok || !payload.success) {
    throw new RequestFailed((payload && payload.error) || `HTTP ${response.status}`);
  }
  return payload.data;
}

function formValues(form, names) {
  const values = {};
  for (const name of names) {
    const value = form.elements[name].value.trim();
    if (value) values[name] = value;
  }
  return values;
}

function query(values) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value) params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}

function localTime(iso) {
  const date = new Date(iso);
  const pad = (n, width = 2) => String(n).padStart(width, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function statusClass(call) {
  if (call.pending) return "status pending";
  if (call.status === 0) return "status s0";
  return `status s${Math.floor(call.status / 100)}`;
}

function statusText(call) {
  if (call.pending) return "pending";
  if (call.status === 0) return call.fault === "drop" ? "dropped" : "0";
  return String(call.status);
}

function pretty(value) {
  if (value === null || value === undefined) return "(none)";
  if (typeof value === "string") return value;
  return JSON.stringify(value, null, 2);
}

// ---- the URL keeps the view ---------------------------------------------------------

function saveView() {
  const params = new URLSearchParams();
  params.set("tab", state.tab);
  for (const [name, value] of Object.entries(formValues($("#call-filters"), CALL_FILTERS))) {
    params.set(name, value);
  }
  for (const [name, value] of Object.entries(formValues($("#event-filters"), EVENT_FILTERS))) {
    params.set(`e.${name}`, value);
  }
  if (state.selected !== null) params.set("call", String(state.selected));
  history.replaceState(null, "", `${location.pathname}?${params}`);
}

function loadView() {
  const params = new URLSearchParams(location.search);
  const calls = $("#call-filters");
  for (const name of CALL_FILTERS) {
    const value = params.get(name);
    if (value === null) continue;
    const field = calls.elements[name];
    if (field.tagName === "SELECT" && ![...field.options].some((o) => o.value === value)) {
      field.append(h("option", { value }, value));
    }
    field.value = value;
  }
  const events = $("#event-filters");
  for (const name of EVENT_FILTERS) {
    const value = params.get(`e.${name}`);
    if (value === null) continue;
    const field = events.elements[name];
    if (field.tagName === "SELECT" && ![...field.options].some((o) => o.value === value)) {
      field.append(h("option", { value }, value));
    }
    field.value = value;
  }
  const selected = Number(params.get("call"));
  state.selected = Number.isInteger(selected) && selected > 0 ? selected : null;
  state.tab = ["calls", "events", "accounts"].includes(params.get("tab")) ? params.get("tab") : "calls";
}

function showTab(name) {
  state.tab = name;
  for (const button of document.querySelectorAll(".tabs button")) {
    button.setAttribute("aria-selected", String(button.dataset.tab === name));
  }
  for (const section of document.querySelectorAll(".tab")) {
    section.hidden = section.id !== `tab-${name}`;
  }
  saveView();
  refresh();
}

// ---- calls ----------------------------------------------------------------------------

async function loadCalls() {
  const filters = formValues($("#call-filters"), CALL_FILTERS);
  const page = await request("GET", `${API}/calls${query({ ...filters, limit: PAGE, before: state.before })}`);
  const body = $("#calls tbody");
  body.replaceChildren(
    ...page.nodes.map((call) =>
      h(
        "tr",
        {
          "data-seq": call.seq,
          class: call.seq === state.selected ? "selected" : null,
          onclick: () => selectCall(call.seq),
        },
        h("td", { class: "muted num" }, call.seq),
        h("td", { class: "mono", title: call.receivedAt }, localTime(call.receivedAt)),
        h("td", { class: "method" }, call.method),
        h("td", { class: "mono path" }, call.query ? `${call.path}?${call.query}` : call.path),
        h("td", {}, h("span", { class: statusClass(call) }, statusText(call))),
        h("td", { class: "num mono" }, call.pending ? "…" : call.durationMs.toFixed(1)),
        h("td", {}, call.account === null ? h("span", { class: "muted" }, "–") : call.account),
        h("td", { class: "badges" }, warningBadges(call.warnings),
          call.fault ? h("span", { class: "badge fault" }, call.fault) : null),
      ),
    ),
  );
  $("#calls-empty").hidden = page.nodes.length > 0;
  const first = page.totalCount ? page.offset + 1 : 0;
  const last = page.offset + page.nodes.length;
  $("#calls-count").textContent = `${first}–${last} of ${page.totalCount.toLocaleString("en")}`;
  $("#calls-older").disabled = page.nextBefore === null;
  $("#calls-older").dataset.before = page.nextBefore === null ? "" : String(page.nextBefore);
  $("#calls-newest").disabled = state.before === null;
  $("#calls-new").hidden = true;
  state.latestShown = page.latestSeq;
  if (state.selected !== null) await loadDetail(state.selected, true);
}

// One badge per code, with a count when a call raised it more than once.
function warningBadges(codes) {
  const counts = new Map();
  for (const code of codes) counts.set(code, (counts.get(code) || 0) + 1);
  return [...counts].map(([code, n]) =>
    h("span", { class: "badge warn", title: code }, n > 1 ? `${code} \u00d7${n}` : code));
}

function selectCall(seq) {
  state.selected = seq;
  for (const row of document.querySelectorAll("#calls tbody tr")) {
    row.classList.toggle("selected", Number(row.dataset.seq) === seq);
  }
  saveView();
  loadDetail(seq, false).catch(showError);
}

function field(label, value) {
  return [h("dt", {}, label), h("dd", {}, value)];
}

async function loadDetail(seq, quiet) {
  const panel = $("#detail");
  let call;
  try {
    call = await request("GET", `${API}/calls/${seq}`);
  } catch (error) {
    if (!quiet) panel.replaceChildren(h("p", { class: "empty" }, `Call #${seq} is no longer in the journal.`));
    return;
  }
  const target = call.query ? `${call.path}?${call.query}` : call.path;
  const copied = h("pre", { class: "copied", hidden: true });
  const copy = (label, text) =>
    h("button", {
      type: "button",
      onclick: () => {
        copied.textContent = text;
        copied.hidden = false;
        copyText(text).then(() => toast(`Copied ${label}`), () => toast("Select the text to copy it"));
      },
    }, `Copy as ${label}`);
  panel.replaceChildren(
    h("h2", {}, h("span", { class: "method" }, call.method), " ", h("span", { class: "mono" }, target)),
    h("dl", { class: "facts" },
      field("Status", h("span", { class: statusClass(call) }, statusText(call))),
      field("Received", `${call.receivedAt} (${localTime(call.receivedAt)} local)`),
      field("Duration", call.pending ? "still being answered" : `${call.durationMs.toFixed(3)} ms`),
      field("Account", call.account === null ? "– (no valid key)" : call.account),
      field("Fault", call.fault || "none"),
      field("Call", `#${call.seq}`),
    ),
    h("div", { class: "actions" }, copy("curl", curlCommand(call)), copy("a pytest assertion", pytestLines(call))),
    copied,
    h("h3", {}, `Warnings (${call.warnings.length})`),
    call.warnings.length
      ? h("ul", { class: "warnings" }, call.warnings.map((w) =>
        h("li", {}, h("span", { class: "badge warn" }, w.code), " ", w.message)))
      : h("p", { class: "muted" }, "None: the contract had nothing to say about this call."),
    h("h3", {}, "Request body", call.bodyTruncated ? h("span", { class: "badge fault" }, "truncated") : null),
    h("pre", { class: "body", "data-part": "request" }, pretty(call.body)),
    h("h3", {}, "Response body", call.responseTruncated ? h("span", { class: "badge fault" }, "truncated") : null),
    h("pre", { class: "body", "data-part": "response" }, call.pending ? "(pending)" : pretty(call.response)),
    h("h3", {}, "Request headers"),
    h("table", { class: "headers" },
      Object.entries(call.headers).map(([name, value]) =>
        h("tr", {}, h("th", {}, name), h("td", { class: "mono" }, value)))),
  );
}

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  throw new Error("no clipboard");
}

function shellQuote(text) {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

// The call again, from a shell: the key is not journaled, so it comes from $TRACKING_KEY.
function curlCommand(call) {
  const path = encodeURI(call.path).replace(/\?/g, "%3F").replace(/#/g, "%23");
  const url = `${location.origin}${path}${call.query ? `?${call.query}` : ""}`;
  const parts = ["curl", "-i"];
  if (call.method !== "GET") parts.push("-X", call.method);
  parts.push(shellQuote(url));
  const auth = call.headers.authorization;
  if (auth !== undefined) {
    const scheme = auth.includes(" ") ? `${auth.split(" ")[0]} ` : "";
    parts.push("-H", `"Authorization: ${scheme}\${TRACKING_KEY:?export the client key}"`);
  }
  if (call.headers["content-type"] !== undefined) {
    parts.push("-H", shellQuote(`Content-Type: ${call.headers["content-type"]}`));
  }
  if (call.body !== null && call.body !== undefined) {
    const text = typeof call.body === "string" ? call.body : JSON.stringify(call.body);
    parts.push("--data-raw", shellQuote(text));
  }
  return parts.join(" ");
}

function python(value) {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(python).join(", ")}]`;
  return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${python(v)}`).join(", ")}}`;
}

const EVENT_KEYWORDS = ["transactionId", "currency", "userId", "coupon"];

// What a test would assert about this call, with the tracking_server fixture.
function pytestLines(call) {
  const status = call.pending ? "" : `, status=${call.status}`;
  const lines = [`tracking_server.assert_called(${python(call.method)}, ${python(call.path)}${status})`];
  const body = call.body;
  const stored = call.response && call.response.success && call.method !== "GET";
  if (stored && body && typeof body === "object" && typeof body.eventName === "string") {
    const args = [python(body.eventName)];
    if (body.value !== undefined) args.push(`value=${python(body.value)}`);
    if (body.metadata && typeof body.metadata === "object") args.push(`metadata=${python(body.metadata)}`);
    for (const name of EVENT_KEYWORDS) {
      if (body[name] !== undefined && body[name] !== null) args.push(`${name}=${python(body[name])}`);
    }
    lines.push(`tracking_server.assert_event(${args.join(", ")})`);
  }
  return lines.join("\n");
}

// ---- events -----------------------------------------------------------------------------

async function loadEvents() {
  const form = $("#event-filters");
  const values = formValues(form, EVENT_FILTERS);
  if (!values.account) {
    $("#events tbody").replaceChildren();
    $("#events-empty").hidden = false;
    return;
  }
  const params = new URLSearchParams({ account: values.account, limit: values.limit || "20" });
  if (values.eventName) params.set("eventName", values.eventName);
  if (values.value) params.set("value", values.value);
  if (values.metadata) {
    const [key, ...rest] = values.metadata.split("=");
    params.set(`metadata.${key}`, rest.join("="));
  }
  if (state.eventCursor) params.set("startingAfter", state.eventCursor);
  const error = $("#events-error");
  let page;
  try {
    page = await request("GET", `${API}/events?${params}`);
  } catch (failure) {
    error.textContent = failure.message;
    error.hidden = false;
    return;
  }
  error.hidden = true;
  const cell = (value, cls) => h("td", { class: cls }, value === null ? h("span", { class: "muted" }, "null") : value);
  $("#events tbody").replaceChildren(
    ...page.nodes.map((event) =>
      h("tr", {},
        cell(event.createdAt, "mono"),
        cell(event.eventName),
        cell(event.value, "num mono"),
        cell(event.currency),
        cell(event.userId, "mono"),
        cell(event.transactionId, "mono"),
        cell(event.coupon, "mono"),
        cell(event.campaignId, "mono derived"),
        cell(event.metricId, "mono derived"),
        cell(event.metadata === null ? null : JSON.stringify(event.metadata), "mono meta"),
        cell(event.id, "mono muted"),
      ),
    ),
  );
  $("#events-empty").hidden = page.nodes.length > 0;
  const shown = state.eventCursors.length * Number(params.get("limit"));
  $("#events-count").textContent =
    `${page.nodes.length ? shown + 1 : 0}–${shown + page.nodes.length} of ${page.totalCount.toLocaleString("en")}`;
  const last = page.nodes[page.nodes.length - 1];
  const older = $("#events-older");
  older.disabled = !last || shown + page.nodes.length >= page.totalCount;
  older.dataset.after = last ? last.id : "";
  $("#events-first").disabled = state.eventCursor === null;
}

// ---- accounts ---------------------------------------------------------------------------

async function loadAccounts() {
  const data = await request("GET", `${API}/accounts`);
  fillAccountChoices(data.nodes.map((a) => a.name));
  if (state.tab !== "accounts") return;
  const act = (label, method, url, done) =>
    h("button", {
      type: "button",
      onclick: () => request(method, url, {}).then(() => { toast(done); refresh(); }, showError),
    }, label);
  $("#accounts tbody").replaceChildren(
    ...data.nodes.map((account) => {
      const name = encodeURIComponent(account.name);
      return h("tr", { "data-account": account.name },
        h("td", {}, account.name, account.disabled ? h("span", { class: "badge fault" }, "disabled") : null),
        h("td", { class: "num mono" }, account.events.toLocaleString("en")),
        h("td", { class: "num mono" }, account.calls.toLocaleString("en")),
        h("td", {}, account.faults.length
          ? h("ul", { class: "plain" }, account.faults.map((f) => h("li", {}, f)))
          : h("span", { class: "muted" }, "none")),
        h("td", { class: "mono" }, account.clock.frozen ? `frozen at ${account.clock.now}` : h("span", { class: "muted" }, "real time")),
        h("td", { class: "actions" },
          act("Reset", "POST", `/_mock/reset?account=${name}`, `Reset ${account.name}`),
          act("Clear calls", "DELETE", `/_mock/calls?account=${name}`, `Cleared the calls of ${account.name}`),
          act("Clear faults", "DELETE", `/_mock/accounts/${name}/faults`, `Cleared the faults of ${account.name}`),
          h("button", { type: "button", onclick: () => showAccount("calls", account.name) }, "Calls"),
          h("button", { type: "button", onclick: () => showAccount("events", account.name) }, "Events"),
        ),
      );
    }),
  );
}

function fillAccountChoices(names) {
  for (const [form, blank] of [[$("#call-filters"), "all"], [$("#event-filters"), null]]) {
    const select = form.elements.account;
    const current = select.value;
    const wanted = [...new Set([...names, ...(current ? [current] : [])])];
    const have = [...select.options].map((o) => o.value).filter((v) => v);
    if (wanted.length === have.length && wanted.every((n, i) => n === have[i])) continue;
    select.replaceChildren(
      ...(blank ? [h("option", { value: "" }, blank)] : []),
      ...wanted.map((n) => h("option", { value: n }, n)),
    );
    select.value = current || (blank ? "" : wanted[0] || "");
  }
}

function showAccount(tab, name) {
  const form = tab === "calls" ? $("#call-filters") : $("#event-filters");
  form.elements.account.value = name;
  state.before = null;
  state.eventCursors = [];
  state.eventCursor = null;
  showTab(tab);
}

// ---- refresh and live updates ---------------------------------------------------------

function showError(error) {
  toast(error instanceof Error ? error.message : String(error));
}

let busy = false;
let again = false;

// One refresh at a time; changes that arrive meanwhile cause one more.
async function refresh() {
  if (busy) {
    again = true;
    return;
  }
  busy = true;
  try {
    do {
      again = false;
      await loadAccounts();
      if (state.tab === "calls") await loadCalls();
      else if (state.tab === "events") await loadEvents();
    } while (again);
  } catch (error) {
    showError(error);
  } finally {
    busy = false;
  }
}

function onJournal(change) {
  if (state.tab === "calls" && state.before !== null) {
    const newer = change.latestSeq - state.latestShown;
    if (newer > 0) {
      const notice = $("#calls-new");
      notice.textContent = `${newer} newer call${newer === 1 ? "" : "s"}`;
      notice.hidden = false;
    }
    return;
  }
  refresh();
}

function setLive(live) {
  const badge = $("#live");
  badge.textContent = live ? "live" : "reconnecting…";
  badge.classList.toggle("on", live);
}

// Server-sent events read through fetch (so the token can travel in a header), with
// reconnection: after a restart the first event refreshes the page.
async function stream() {
  let wait = 500;
  for (;;) {
    try {
      const response = await fetch(`${API}/stream`, { headers: headers({ Accept: "text/event-stream" }), cache: "no-store" });
      if (!response.ok || !response.body) throw new Error(`stream: HTTP ${response.status}`);
      setLive(true);
      wait = 500;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5)).join("\n");
          if (data) onJournal(JSON.parse(data));
        }
      }
    } catch (error) {
      // The server went away or refused: try again shortly.
    }
    setLive(false);
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(wait * 2, 5000);
  }
}

// ---- wiring ---------------------------------------------------------------------------------

function debounce(action, ms) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(action, ms);
  };
}

function start() {
  takeTokenFromFragment();
  loadView();
  for (const button of document.querySelectorAll(".tabs button")) {
    button.addEventListener("click", () => showTab(button.dataset.tab));
  }
  const callFilters = $("#call-filters");
  const onCallFilter = () => {
    state.before = null;
    saveView();
    refresh();
  };
  callFilters.addEventListener("input", debounce(onCallFilter, 200));
  callFilters.addEventListener("change", onCallFilter);
  callFilters.addEventListener("reset", () => setTimeout(onCallFilter));
  callFilters.addEventListener("submit", (event) => event.preventDefault());
  const eventFilters = $("#event-filters");
  const onEventFilter = () => {
    state.eventCursors = [];
    state.eventCursor = null;
    saveView();
    refresh();
  };
  eventFilters.addEventListener("input", debounce(onEventFilter, 300));
  eventFilters.addEventListener("change", onEventFilter);
  eventFilters.addEventListener("reset", () => setTimeout(onEventFilter));
  eventFilters.addEventListener("submit", (event) => event.preventDefault());
  $("#calls-older").addEventListener("click", (event) => {
    state.before = Number(event.target.dataset.before);
    refresh();
  });
  $("#calls-newest").addEventListener("click", () => {
    state.before = null;
    refresh();
  });
  $("#calls-new").addEventListener("click", () => {
    state.before = null;
    refresh();
  });
  $("#events-older").addEventListener("click", (event) => {
    state.eventCursors.push(state.eventCursor);
    state.eventCursor = event.target.dataset.after;
    refresh();
  });
  $("#events-first").addEventListener("click", () => {
    state.eventCursors = [];
    state.eventCursor = null;
    refresh();
  });
  showTab(state.tab);
  stream();
}

document.addEventListener("DOMContentLoaded", start);
