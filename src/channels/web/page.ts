/**
 * The console's one page: plain HTML, CSS and JavaScript, no build step. It holds no data; everything
 * comes from the token-guarded API. Answers are rendered with DOM nodes and textContent only (never
 * innerHTML), so nothing a tool returns can become markup. `nonce` lets the CSP allow exactly this
 * page's inline script and style.
 */
export function consolePage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Arthur console</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header>
  <h1>Arthur <span class="sub">web console</span></h1>
  <label>User <input id="user" data-testid="user-input" value="console-user" maxlength="64"
    pattern="[A-Za-z0-9._@\\-]+" autocomplete="off" spellcheck="false"></label>
  <label>Role <select id="role" data-testid="role-select"></select></label>
</header>
<div id="banner" class="banner" data-testid="banner" hidden></div>
<main>
  <nav>
    <button id="new-thread" data-testid="thread-new" type="button">New thread</button>
    <ul id="threads" data-testid="thread-list"></ul>
  </nav>
  <section id="chat">
    <div id="messages" data-testid="messages"></div>
    <form id="ask">
      <textarea id="message" data-testid="message-input" rows="2" maxlength="4000"
        placeholder="Ask Arthur… (Enter sends, Shift+Enter for a new line)"></textarea>
      <button id="send" data-testid="send-button" type="submit">Send</button>
    </form>
  </section>
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}

const STYLE = `
:root { --ink: #1d1c1d; --muted: #616061; --line: #e2e2e2; --accent: #4a154b; --soft: #f6f4f7; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
  display: flex; flex-direction: column; min-height: 100vh; }
header { display: flex; gap: 1.25rem; align-items: center; padding: .6rem 1rem; background: var(--accent);
  color: #fff; }
header h1 { font-size: 1.1rem; margin: 0 auto 0 0; }
header .sub { font-weight: 400; opacity: .75; }
header label { display: flex; gap: .4rem; align-items: center; font-size: .9rem; }
header input, header select { font: inherit; padding: .2rem .4rem; border-radius: 4px; border: 0; }
header input:invalid { outline: 2px solid #f66; }
.banner { padding: .5rem 1rem; background: #fde8e8; color: #8a1c1c; }
main { flex: 1; display: flex; min-height: 0; }
nav { width: 15rem; border-right: 1px solid var(--line); padding: .75rem; background: var(--soft); }
nav button { width: 100%; }
nav ul { list-style: none; margin: .75rem 0 0; padding: 0; }
nav li { padding: .35rem .5rem; border-radius: 4px; cursor: pointer; overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap; font-size: .9rem; }
nav li.current { background: var(--accent); color: #fff; }
#chat { flex: 1; display: flex; flex-direction: column; min-width: 0; }
#messages { flex: 1; padding: 1rem; display: flex; flex-direction: column; gap: .75rem; }
.empty { color: var(--muted); }
.msg { max-width: 52rem; padding: .6rem .8rem; border-radius: 8px; overflow-wrap: anywhere; }
.msg.user { align-self: flex-end; background: #e8f0fe; white-space: pre-wrap; }
.msg.arthur { align-self: flex-start; background: var(--soft); border: 1px solid var(--line); }
.msg.error { align-self: flex-start; background: #fde8e8; color: #8a1c1c; }
.msg .who { font-size: .75rem; color: var(--muted); margin-bottom: .2rem; }
.msg p { margin: .15rem 0; }
.msg ul { margin: .2rem 0; padding-left: 1.3rem; }
a { color: #1264a3; }
code { font: .88em ui-monospace, SFMono-Regular, Menlo, monospace; background: #eceaec; padding: 0 .25em;
  border-radius: 3px; }
.note { font-size: .85rem; color: var(--muted); margin-top: .3rem; }
details { margin-top: .5rem; font-size: .85rem; }
details ol { margin: .3rem 0; padding-left: 1.3rem; }
details li { margin-bottom: .3rem; }
details pre { margin: .15rem 0 0; white-space: pre-wrap; background: #fff; border: 1px solid var(--line);
  padding: .3rem .4rem; border-radius: 4px; }
.ok { color: #1a7f37; } .failed { color: #b42318; } .waiting { color: #9a6700; }
figure { margin: .6rem 0 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
.approval { margin-top: .6rem; padding: .5rem .6rem; border: 1px solid #d4a72c; background: #fff8c5;
  border-radius: 6px; }
.approval pre { margin: .3rem 0; white-space: pre-wrap; font-size: .85rem; }
.approval .buttons { display: flex; gap: .5rem; align-items: center; }
button { font: inherit; padding: .35rem .9rem; border-radius: 4px; border: 1px solid var(--accent);
  background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button:disabled { opacity: .5; cursor: default; }
#ask { display: flex; gap: .5rem; padding: .75rem 1rem; border-top: 1px solid var(--line); }
#ask textarea { flex: 1; font: inherit; padding: .4rem .5rem; resize: vertical; }
`;

const SCRIPT = `
"use strict";
const STORE = "arthur-console";
const $ = (id) => document.getElementById(id);

// The token arrives once in the link arthur dev prints; keep it for this tab only, off the address bar.
const fromLink = new URLSearchParams(location.search).get("token");
if (fromLink) {
  sessionStorage.setItem(STORE + ":token", fromLink);
  history.replaceState(null, "", location.pathname);
}
const token = sessionStorage.getItem(STORE + ":token");

function load() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORE) || "null");
    if (saved && Array.isArray(saved.threads)) return saved;
  } catch {}
  return { user: "console-user", role: "ops", threads: [], current: null };
}
const state = load();
const save = () => sessionStorage.setItem(STORE, JSON.stringify(state));

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key === "testid") node.dataset.testid = value;
    else if (key === "class") node.className = value;
    else node[key] = value;
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

function showBanner(text) {
  $("banner").textContent = text;
  $("banner").hidden = !text;
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { authorization: "Bearer " + token, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try { data = await response.json(); } catch {}
  if (response.status === 401) showBanner("Not signed in: open the link arthur dev printed (…/?token=…).");
  if (!response.ok) throw new Error((data && data.error && data.error.message) || "HTTP " + response.status);
  return data;
}

// Web links in plain text become links (http and https only: never javascript: or data:).
function linkify(text) {
  const out = [];
  let last = 0;
  for (const m of text.matchAll(/https?:\\/\\/[^\\s<>"']+[^\\s<>"'.,;:!?)]/g)) {
    out.push(text.slice(last, m.index));
    out.push(el("a", { href: m[0], textContent: m[0], target: "_blank", rel: "noopener noreferrer" }));
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

// Slack-flavoured markdown (*bold*, _italic_, \`code\`, "- " bullets), built from text nodes only.
function inline(text) {
  const out = [];
  const pattern = /\`([^\`\\n]+)\`|\\*\\*?([^*\\n]+?)\\*\\*?|(^|[\\s(])_([^_\\n]+)_(?=$|[\\s).,;:!?])/g;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    const lead = m[3] || "";
    out.push(...linkify(text.slice(last, m.index + lead.length)));
    if (m[1] !== undefined) out.push(el("code", { textContent: m[1] }));
    else if (m[2] !== undefined) out.push(el("strong", { textContent: m[2] }));
    else out.push(el("em", { textContent: m[4] }));
    last = m.index + m[0].length;
  }
  out.push(...linkify(text.slice(last)));
  return out;
}

function markdown(text) {
  const box = el("div", { class: "text" });
  let list = null;
  for (const line of String(text).split("\\n")) {
    const bullet = /^\\s*[-•*]\\s+(.*)$/.exec(line);
    if (bullet) {
      if (!list) box.append((list = el("ul")));
      list.append(el("li", {}, ...inline(bullet[1])));
      continue;
    }
    list = null;
    if (line.trim()) box.append(el("p", {}, ...inline(line)));
  }
  return box;
}

function currentThread() {
  return state.threads.find((t) => t.id === state.current) || null;
}

function newThread() {
  const id = Date.now().toString(36) + Math.random().toString(36).slice(2);
  const thread = { id, title: "New thread", messages: [] };
  state.threads.unshift(thread);
  state.current = thread.id;
  save();
  render();
  $("message").focus();
  return thread;
}

function toolList(tools) {
  const list = el("ol", {});
  for (const t of tools) {
    const status = t.pending
      ? el("span", { class: "waiting", textContent: "waiting for approval" })
      : t.ok
        ? el("span", { class: "ok", textContent: "ok" })
        : el("span", { class: "failed", textContent: "failed: " + (t.error ? t.error.code + " — " + t.error.message : "?") });
    list.append(
      el("li", { testid: "tool-call" },
        el("code", { textContent: t.tool }), " ", status, " · " + t.durationMs + " ms",
        el("pre", { textContent: JSON.stringify(t.arguments, null, 2) })),
    );
  }
  return el("details", { testid: "tool-list" }, el("summary", { textContent: "Tools (" + tools.length + ")" }), list);
}

function charts(tools) {
  const figures = [];
  for (const t of tools)
    for (const image of t.images || [])
      figures.push(el("figure", {}, el("img", {
        src: image.url, alt: t.tool, width: image.width, height: image.height, testid: "chart-image",
      })));
  return figures;
}

function approvalCard(thread, message, pending) {
  const settled = (message.settled || {})[pending.approvalId];
  const approve = el("button", { type: "button", textContent: "Approve", testid: "approve-button" });
  const cancel = el("button", { type: "button", textContent: "Cancel", class: "secondary", testid: "cancel-button" });
  const outcome = el("span", { class: "note", textContent: settled ? "(" + settled + ")" : "" });
  approve.disabled = cancel.disabled = Boolean(settled);
  const settle = async (action) => {
    approve.disabled = cancel.disabled = true;
    message.settled = { ...(message.settled || {}), [pending.approvalId]: action === "confirm" ? "approved" : "cancelled" };
    save();
    outcome.textContent = "(" + message.settled[pending.approvalId] + ")";
    await exchange(thread, null, () =>
      api("POST", "/api/approvals/" + encodeURIComponent(pending.approvalId) + "/" + action, actingAs()));
  };
  approve.addEventListener("click", () => settle("confirm"));
  cancel.addEventListener("click", () => settle("cancel"));
  const expires = pending.expiresAt ? " · expires " + new Date(pending.expiresAt).toLocaleTimeString() : "";
  const card = el("div", { class: "approval", testid: "approval-card" },
    el("div", {}, el("strong", { textContent: "Needs your approval: " }), el("code", { textContent: pending.tool }),
      el("span", { class: "note", textContent: expires })),
    el("pre", { textContent: JSON.stringify(pending.arguments, null, 2) }),
    el("div", { class: "buttons" }, approve, cancel, outcome));
  card.dataset.approvalId = pending.approvalId;
  return card;
}

function messageNode(thread, message) {
  if (message.who === "user")
    return el("div", { class: "msg user", testid: "message-user" }, el("div", { class: "who", textContent: message.as }), message.text);
  if (message.who === "error")
    return el("div", { class: "msg error", testid: "message-error", textContent: message.text });
  const a = message.answer;
  const node = el("div", { class: "msg arthur", testid: "message-arthur" }, el("div", { class: "who", textContent: "Arthur" }), markdown(a.text));
  node.append(...charts(a.tools));
  for (const pending of a.pendingApprovals) node.append(approvalCard(thread, message, pending));
  if (a.tools.length) node.append(toolList(a.tools));
  const notes = [a.mode === "llm" ? "model " + a.model : "offline planner"];
  if (a.denied) notes.push("denied: " + a.denied.tool);
  if (a.rateLimited) notes.push("rate limited");
  if (a.usage && a.usage.promptTokens) notes.push(a.usage.promptTokens + " + " + a.usage.completionTokens + " tokens");
  node.append(el("div", { class: "note", textContent: notes.join(" · ") }));
  return node;
}

function render() {
  $("user").value = state.user;
  $("role").value = state.role;
  const threads = $("threads");
  threads.replaceChildren(...state.threads.map((t) => {
    const item = el("li", { textContent: t.title, title: t.title, testid: "thread-item" });
    if (t.id === state.current) item.classList.add("current");
    item.addEventListener("click", () => { state.current = t.id; save(); render(); });
    return item;
  }));
  const thread = currentThread();
  const messages = $("messages");
  messages.replaceChildren();
  if (!thread || thread.messages.length === 0) {
    messages.append(el("p", { class: "empty", textContent: "Ask Arthur something, e.g. “who is still owed money for AB4001?”" }));
    return;
  }
  for (const message of thread.messages) messages.append(messageNode(thread, message));
}

function actingAs() {
  return { user: state.user, role: state.role };
}

let busy = false;
function setBusy(value) {
  busy = value;
  $("send").disabled = value;
  $("send").textContent = value ? "Thinking…" : "Send";
}

// One round trip: the question (if any) shows at once; Arthur's answer, or the error, follows it.
async function exchange(thread, question, call) {
  if (question) thread.messages.push({ who: "user", text: question, as: state.user + " · " + state.role });
  setBusy(true);
  save();
  render();
  try {
    const data = await call();
    thread.messages.push({ who: "arthur", answer: data.answer, text: data.answer.plain });
  } catch (error) {
    thread.messages.push({ who: "error", text: String(error.message || error) });
  } finally {
    setBusy(false);
    save();
    if (state.current === thread.id) render();
  }
}

function ask(event) {
  event.preventDefault();
  const text = $("message").value.trim();
  if (!text || busy) return;
  const thread = currentThread() || newThread();
  // Earlier turns as the assistant expects them, newest twenty, each cut short to keep the body small.
  const context = thread.messages
    .filter((m) => m.who !== "error")
    .map((m) => ({ role: m.who === "user" ? "user" : "assistant", content: String(m.text).slice(0, 2000) }))
    .slice(-20);
  if (thread.messages.length === 0) thread.title = text.length > 60 ? text.slice(0, 57) + "…" : text;
  $("message").value = "";
  return exchange(thread, text, () => api("POST", "/api/ask", { ...actingAs(), message: text, context }));
}

async function start() {
  if (!token) showBanner("No console token: open the link arthur dev printed (…/?token=…).");
  let roles = ["ops", "event-producer", "finance", "marketing", "viewer"];
  try { roles = (await api("GET", "/api/roles")).roles; } catch {}
  $("role").replaceChildren(...roles.map((r) => el("option", { value: r, textContent: r })));
  if (!roles.includes(state.role)) state.role = roles[0];
  $("user").addEventListener("input", (e) => {
    if (e.target.checkValidity() && e.target.value) { state.user = e.target.value; save(); }
  });
  $("role").addEventListener("change", (e) => { state.role = e.target.value; save(); });
  $("new-thread").addEventListener("click", newThread);
  $("ask").addEventListener("submit", ask);
  $("message").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("ask").requestSubmit(); }
  });
  render();
  document.body.dataset.ready = "true";
}
start();
`;
