/**
 * @module app/sandbox-page
 * The sandbox's one page: on the left a customer's phone (any sandbox channel, talking to its local simulator),
 * on the right a minimal Switchboard inbox over the REST API. The page carries no credential: it signs in like
 * the operator app and shares its stored session (localStorage `switchboard.token`, web/auth/session.ts), so being
 * signed in to one is being signed in to the other. Text is always inserted as text, never as HTML.
 */
export interface SandboxPageChannel {
  type: string;
  label: string;
  /** an SVG path in the app's 24×24 stroke style */
  icon: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** JSON inside a <script>: no `</script>` can close it early */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

const svg = (d: string, label = '') =>
  `<svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" ${label ? `role="img" aria-label="${escapeHtml(label)}"` : 'aria-hidden="true"'}><path d="${escapeHtml(d)}"/></svg>`;

const CHAT = 'M4 5h16v11H9l-5 4z';
const PHONE = 'M8 2h8a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zM11 18h2';
const INBOX = 'M3 13l3-8h12l3 8v6H3zM3 13h5l1 2h6l1-2h5';
const CLOCK = 'M12 7v5l3 2M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z';

export function sandboxPage(channels: readonly SandboxPageChannel[]): string {
  const options = channels.map((c) => `<option value="${escapeHtml(c.type)}">${escapeHtml(c.label)}</option>`).join('');
  const names = channels.map((c) => c.label).join(', ');
  const icons = Object.fromEntries([...channels.map((c) => [c.type, svg(c.icon, c.label)]), ['', svg(CHAT)]]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard sandbox</title><link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>
*{box-sizing:border-box}body{font:15px system-ui,sans-serif;margin:0;background:#f3f4f6;color:#111}
header{padding:.8rem 1rem;background:#111827;color:#fff;display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center}
header small{opacity:.75}header .clock{margin-left:auto;display:flex;gap:.4rem;align-items:center}
header button{background:#374151;color:#fff;border:1px solid #4b5563;border-radius:6px}
main{display:grid;grid-template-columns:minmax(300px,380px) 1fr;gap:1rem;padding:1rem}
@media (max-width:760px){main{grid-template-columns:1fr;padding:.5rem}}
section{background:#fff;border-radius:12px;padding:1rem;box-shadow:0 1px 3px #0002;display:flex;flex-direction:column;min-height:70vh;min-width:0}
h2{margin:.2rem 0 .8rem;font-size:1.05rem;display:flex;gap:.4rem;align-items:center}.row{display:flex;gap:.5rem;margin:.4rem 0;flex-wrap:wrap}.row>*{flex:1;min-width:0}.row>input+button{flex:none}
label{display:flex;flex-direction:column;gap:.2rem;font-size:.85rem;color:#374151}
.log{flex:1;overflow:auto;border:1px solid #e5e7eb;border-radius:8px;padding:.5rem;background:#fafafa;min-height:12rem}
.b{margin:.3rem 0;padding:.45rem .65rem;border-radius:10px;max-width:85%;white-space:pre-wrap;overflow-wrap:anywhere}
.out{background:#dcf8c6;margin-left:auto}.in{background:#fff;border:1px solid #e5e7eb}
.btns button{margin:.2rem .2rem 0 0}.conv{padding:.5rem;border-bottom:1px solid #eee;cursor:pointer;display:flex;gap:.4rem;align-items:flex-start;overflow-wrap:anywhere}
.conv[aria-selected=true]{background:#eef2ff}.conv svg{flex:none;margin-top:.1rem}
.inbox{display:grid;grid-template-columns:260px 1fr;gap:.8rem;flex:1;min-width:0}@media (max-width:760px){.inbox{grid-template-columns:1fr}}
.status{font-size:.75rem;color:#6b7280}button,select,input{font:inherit;padding:.45rem .6rem}
.who{font-size:.75rem;color:#6b7280;display:block}
#signin{max-width:360px;margin:3rem auto;background:#fff;border-radius:12px;padding:1.2rem;box-shadow:0 1px 3px #0002}
#signin p{color:#374151}.err{color:#b91c1c}[hidden]{display:none!important}
</style></head><body>
<header><strong>Switchboard sandbox</strong> <small>local ${escapeHtml(names)} simulators; nothing leaves this machine</small>
<span class="clock" id="clockbar" hidden>${svg(CLOCK)}<span id="clock">sandbox time = real time</span>
<button id="skip" title="Move the hub's and the simulators' time forward by 25 hours, to try the 24-hour window">Skip ahead 25 h</button></span></header>
<form id="signin" hidden aria-label="Sign in">
  <h2>Sign in to the sandbox</h2>
  <p>Use the owner's email and password printed by <code>npm run sandbox</code>; the operator app at <a href="/app/">/app/</a> shares this sign-in.</p>
  <label>Email <input id="email" type="email" autocomplete="username" required></label>
  <label>Password <input id="password" type="password" autocomplete="current-password" required></label>
  <p id="signinerr" class="err" role="alert"></p>
  <button>Sign in</button>
</form>
<main id="main" hidden>
<section aria-label="Customer phone"><h2>${svg(PHONE)} Customer phone</h2>
  <div class="row"><label>Channel <select id="channel">${options}</select></label>
  <label>Your name <input id="name" value="Ana"></label></div>
  <div class="row"><button id="start">Start chatting</button></div>
  <div id="who" class="status"></div>
  <div id="phone" class="log" role="log" aria-live="polite"></div>
  <form id="pform" class="row"><label hidden for="ptext">Message</label><input id="ptext" placeholder="Write as the customer" disabled><button disabled id="psend">Send</button></form>
</section>
<section aria-label="Switchboard inbox"><h2>${svg(INBOX)} Switchboard inbox</h2>
  <div class="inbox"><div id="convs" class="log" role="listbox" aria-label="Conversations"></div>
  <div style="display:flex;flex-direction:column;min-width:0"><div id="msgs" class="log" role="log" aria-live="polite"></div>
  <div id="win" class="status"></div>
  <form id="oform"><div class="row"><label hidden for="otext">Reply</label><input id="otext" placeholder="Reply as an operator" disabled><button disabled id="osend">Reply</button></div>
  <div class="row"><label>Buttons (optional, comma-separated) <input id="obuttons" placeholder="Yes, No, Talk to a human" disabled></label></div></form></div></div>
</section></main>
<script>
const ICONS = ${scriptJson(icons)};
const TOKEN_KEY = 'switchboard.token', CUSTOMER_KEY = 'switchboard.sandbox.customer';
let token = localStorage.getItem(TOKEN_KEY), customer = null, selected = null;
try { customer = JSON.parse(localStorage.getItem(CUSTOMER_KEY) || 'null'); } catch { customer = null; }
const el = (id) => document.getElementById(id);
const call = async (path, opts = {}) => {
  const r = await fetch(path, { ...opts, headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json', ...(opts.headers || {}) } });
  if (r.status === 401) { showSignIn(); throw new Error('signed out'); }
  return r.json();
};
const api = call;
const post = (path, body) => call(path, { method: 'POST', body: JSON.stringify(body) });
const names = new Map();
async function nameOf(contactId) {
  if (!names.has(contactId)) names.set(contactId, api('/api/v1/contacts/' + contactId).then((c) => c.displayName || c.name || null, () => null));
  return names.get(contactId);
}
function icon(type) { const s = document.createElement('span'); s.innerHTML = ICONS[type] || ICONS['']; return s.firstChild; }
function bubble(parent, cls, text, extra, who) { const d = document.createElement('div'); d.className = 'b ' + cls;
  if (who) { const w = document.createElement('span'); w.className = 'who'; w.textContent = who; d.appendChild(w); }
  d.appendChild(document.createTextNode(text)); if (extra) d.appendChild(extra); parent.appendChild(d); }
function showSignIn() { el('main').hidden = true; el('clockbar').hidden = true; el('signin').hidden = false; el('email').focus(); }
async function begin() {
  if (!token) return showSignIn();
  const me = await fetch('/api/v1/me', { headers: { authorization: 'Bearer ' + token } });
  if (!me.ok) { localStorage.removeItem(TOKEN_KEY); token = null; return showSignIn(); }
  el('signin').hidden = true; el('main').hidden = false; el('clockbar').hidden = false;
  if (customer) { el('channel').value = customer.channel; el('name').value = customer.name || ''; phoneReady(); }
  refreshClock(); refreshInbox(); setInterval(() => { refreshPhone(); refreshInbox(); }, 1000);
}
el('signin').onsubmit = async (e) => { e.preventDefault(); el('signinerr').textContent = '';
  const r = await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: el('email').value.trim(), password: el('password').value }) });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) { el('signinerr').textContent = (body.error && body.error.message) || 'Sign-in failed'; return; }
  token = body.token; localStorage.setItem(TOKEN_KEY, token); begin(); };
function phoneReady() { el('ptext').disabled = el('psend').disabled = false;
  el('who').textContent = 'Writing as ' + (customer.name || 'Customer') + ' on ' + el('channel').selectedOptions[0].textContent + ' (' + customer.id + ')'; refreshPhone(); }
el('start').onclick = async () => {
  const channel = el('channel').value, name = el('name').value;
  const r = await post('/sandbox/api/customers', { channel, name });
  customer = { channel, id: r.id, name }; localStorage.setItem(CUSTOMER_KEY, JSON.stringify(customer)); phoneReady(); el('ptext').focus();
};
el('pform').onsubmit = async (e) => { e.preventDefault(); const text = el('ptext').value.trim(); if (!text || !customer) return; el('ptext').value = '';
  await post('/sandbox/api/' + customer.channel + '/' + customer.id + '/messages', { text }); refreshPhone(); };
async function refreshPhone() {
  if (!customer) return;
  const { lines } = await api('/sandbox/api/' + customer.channel + '/' + customer.id + '/messages');
  const log = el('phone'); const atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 5; log.textContent = '';
  for (const l of lines || []) {
    let extra = null;
    if (l.buttons) { extra = document.createElement('div'); extra.className = 'btns';
      for (const b of l.buttons) { const btn = document.createElement('button'); btn.textContent = b.title; btn.onclick = () => post('/sandbox/api/' + customer.channel + '/' + customer.id + '/press', { messageId: l.messageId, buttonId: b.id, title: b.title }).then(refreshPhone); extra.appendChild(btn); } }
    bubble(log, l.direction, l.text, extra, l.via ? (l.direction === 'in' ? 'from ' : 'to ') + l.via : '');
  }
  if (atEnd) log.scrollTop = log.scrollHeight;
}
async function refreshClock() {
  const { offsetMs } = await api('/sandbox/api/clock');
  const h = Math.round(offsetMs / 3600000);
  el('clock').textContent = h ? 'sandbox time = real time + ' + h + ' h' : 'sandbox time = real time';
}
el('skip').onclick = async () => { await post('/sandbox/api/clock/skip', { hours: 25 }); refreshClock(); refreshInbox(); };
async function refreshInbox() {
  const { data } = await api('/api/v1/conversations?limit=50');
  const list = el('convs'); list.textContent = '';
  for (const c of data || []) { const d = document.createElement('div'); d.className = 'conv'; d.setAttribute('role', 'option'); d.tabIndex = 0; d.setAttribute('aria-selected', String(c.id === selected));
    const label = document.createElement('span'); label.textContent = c.address + (c.unreadCount ? ' (' + c.unreadCount + ')' : '') + ' — ' + (c.lastMessagePreview || '');
    nameOf(c.contactId).then((n) => { if (n) label.textContent = n + ' · ' + label.textContent; });
    d.append(icon(c.channelType), label);
    d.onclick = d.onkeydown = (e) => { if (e.type === 'keydown' && e.key !== 'Enter') return; selected = c.id; el('otext').disabled = el('osend').disabled = el('obuttons').disabled = false; refreshInbox(); };
    list.appendChild(d); }
  if (!selected) return;
  const conv = (data || []).find((c) => c.id === selected);
  el('win').textContent = conv && conv.window ? (conv.window.open ? 'Window open until ' + new Date(conv.window.expiresAt).toLocaleString() : 'Window closed: only a template can be sent') : '';
  const { data: msgs } = await api('/api/v1/conversations/' + selected + '/messages?limit=200');
  const log = el('msgs'); log.textContent = '';
  for (const m of msgs || []) { const c = m.content; const text = c.type === 'text' ? c.text : c.type === 'template' ? (c.template.text || c.template.name) : (c.media && c.media.caption) || (c.interactive && ((c.interactive.reply && c.interactive.reply.title) || c.interactive.text)) || '[' + c.type + ']';
    let extra = document.createElement('div'); extra.className = 'status'; extra.textContent = m.direction === 'outbound' ? m.status + (m.statusDetail ? ' — ' + m.statusDetail.message : '') : '';
    if (c.type === 'interactive' && c.interactive.buttons) { const b = document.createElement('div'); b.className = 'status'; b.textContent = 'buttons: ' + c.interactive.buttons.map((x) => x.title).join(' · '); extra.prepend(b); }
    bubble(log, m.direction === 'inbound' ? 'in' : 'out', text, extra); }
}
el('oform').onsubmit = async (e) => { e.preventDefault(); const text = el('otext').value.trim(); if (!text || !selected) return;
  const titles = el('obuttons').value.split(',').map((s) => s.trim()).filter(Boolean);
  const content = titles.length ? { type: 'interactive', interactive: { kind: 'buttons', text, buttons: titles.map((title, i) => ({ id: 'b' + (i + 1), title })) } } : { type: 'text', text };
  el('otext').value = ''; el('obuttons').value = '';
  const r = await post('/api/v1/conversations/' + selected + '/messages', { content });
  if (r.error) alert(r.error.message); refreshInbox(); };
begin();
</script></body></html>`;
}
