/**
 * @module app/sandbox-page
 * The sandbox's one page: on the left a customer's phone (any sandbox channel, talking to its local simulator),
 * on the right a minimal Switchboard inbox over the REST API. Text is always inserted as text, never as HTML.
 */
export interface SandboxPageChannel {
  type: string;
  label: string;
  emoji: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function sandboxPage(token: string, channels: readonly SandboxPageChannel[]): string {
  const options = channels.map((c) => `<option value="${escapeHtml(c.type)}">${escapeHtml(c.label)}</option>`).join('');
  const names = channels.map((c) => c.label).join(', ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard sandbox</title>
<style>
*{box-sizing:border-box}body{font:15px system-ui,sans-serif;margin:0;background:#f3f4f6;color:#111}
header{padding:.8rem 1rem;background:#111827;color:#fff}header small{opacity:.7}
main{display:grid;grid-template-columns:minmax(300px,380px) 1fr;gap:1rem;padding:1rem}
@media (max-width:760px){main{grid-template-columns:1fr}}
section{background:#fff;border-radius:12px;padding:1rem;box-shadow:0 1px 3px #0002;display:flex;flex-direction:column;min-height:70vh}
h2{margin:.2rem 0 .8rem;font-size:1.05rem}.row{display:flex;gap:.5rem;margin:.4rem 0}.row>*{flex:1}
.log{flex:1;overflow:auto;border:1px solid #e5e7eb;border-radius:8px;padding:.5rem;background:#fafafa}
.b{margin:.3rem 0;padding:.45rem .65rem;border-radius:10px;max-width:85%;white-space:pre-wrap;word-wrap:break-word}
.out{background:#dcf8c6;margin-left:auto}.in{background:#fff;border:1px solid #e5e7eb}
.btns button{margin:.2rem .2rem 0 0}.conv{padding:.5rem;border-bottom:1px solid #eee;cursor:pointer}.conv[aria-selected=true]{background:#eef2ff}
.inbox{display:grid;grid-template-columns:260px 1fr;gap:.8rem;flex:1}@media (max-width:760px){.inbox{grid-template-columns:1fr}}
.status{font-size:.75rem;color:#6b7280}button,select,input{font:inherit;padding:.45rem .6rem}
</style></head><body>
<header><strong>Switchboard sandbox</strong> <small>— local ${escapeHtml(names)} simulators; nothing leaves this machine</small></header>
<main>
<section aria-label="Customer phone"><h2>📱 Customer phone</h2>
  <div class="row"><label>Channel <select id="channel">${options}</select></label>
  <label>Your name <input id="name" value="Ana"></label></div>
  <div class="row"><button id="start">Start chatting</button></div>
  <div id="phone" class="log" role="log" aria-live="polite"></div>
  <form id="pform" class="row"><label hidden for="ptext">Message</label><input id="ptext" placeholder="Write as the customer" disabled><button disabled id="psend">Send</button></form>
</section>
<section aria-label="Switchboard inbox"><h2>🗂 Switchboard inbox</h2>
  <div class="inbox"><div id="convs" class="log" role="listbox" aria-label="Conversations"></div>
  <div style="display:flex;flex-direction:column"><div id="msgs" class="log" role="log" aria-live="polite"></div>
  <div id="win" class="status"></div>
  <form id="oform" class="row"><label hidden for="otext">Reply</label><input id="otext" placeholder="Reply as an operator" disabled><button disabled id="osend">Reply</button></form></div></div>
</section></main>
<script>
const TOKEN = ${JSON.stringify(token)};
const EMOJI = ${JSON.stringify(Object.fromEntries(channels.map((c) => [c.type, c.emoji]))).replace(/</g, '\\u003c')};
const api = (path, opts = {}) => fetch(path, { ...opts, headers: { authorization: 'Bearer ' + TOKEN, 'content-type': 'application/json', ...(opts.headers || {}) } }).then(r => r.json());
let customer = null, selected = null;
const el = (id) => document.getElementById(id);
function bubble(parent, cls, text, extra) { const d = document.createElement('div'); d.className = 'b ' + cls; d.textContent = text; if (extra) d.appendChild(extra); parent.appendChild(d); }
el('start').onclick = async () => {
  const channel = el('channel').value;
  const r = await fetch('/sandbox/api/customers', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel, name: el('name').value }) }).then(r => r.json());
  customer = { channel, id: r.id }; el('ptext').disabled = el('psend').disabled = false; el('ptext').focus(); refreshPhone();
};
el('pform').onsubmit = async (e) => { e.preventDefault(); const text = el('ptext').value.trim(); if (!text || !customer) return; el('ptext').value = '';
  await fetch('/sandbox/api/' + customer.channel + '/' + customer.id + '/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) }); refreshPhone(); };
async function refreshPhone() {
  if (!customer) return;
  const { lines } = await fetch('/sandbox/api/' + customer.channel + '/' + customer.id + '/messages').then(r => r.json());
  const log = el('phone'); const atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 5; log.textContent = '';
  for (const l of lines) {
    let extra = null;
    if (l.buttons) { extra = document.createElement('div'); extra.className = 'btns';
      for (const b of l.buttons) { const btn = document.createElement('button'); btn.textContent = b.title; btn.onclick = () => fetch('/sandbox/api/' + customer.channel + '/' + customer.id + '/press', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messageId: l.messageId, buttonId: b.id, title: b.title }) }).then(refreshPhone); extra.appendChild(btn); } }
    bubble(log, l.direction, l.text, extra);
  }
  if (atEnd) log.scrollTop = log.scrollHeight;
}
async function refreshInbox() {
  const { data } = await api('/api/v1/conversations?limit=50');
  const list = el('convs'); list.textContent = '';
  for (const c of data || []) { const d = document.createElement('div'); d.className = 'conv'; d.setAttribute('role', 'option'); d.tabIndex = 0; d.setAttribute('aria-selected', String(c.id === selected));
    d.textContent = (EMOJI[c.channelType] || '💬') + ' ' + c.address + (c.unreadCount ? ' (' + c.unreadCount + ')' : '') + ' — ' + (c.lastMessagePreview || '');
    d.onclick = d.onkeydown = (e) => { if (e.type === 'keydown' && e.key !== 'Enter') return; selected = c.id; el('otext').disabled = el('osend').disabled = false; refreshInbox(); };
    list.appendChild(d); }
  if (!selected) return;
  const conv = (data || []).find((c) => c.id === selected);
  el('win').textContent = conv && conv.window ? (conv.window.open ? 'WhatsApp window open until ' + new Date(conv.window.expiresAt).toLocaleString() : 'WhatsApp window closed: only a template can be sent') : '';
  const { data: msgs } = await api('/api/v1/conversations/' + selected + '/messages?limit=200');
  const log = el('msgs'); log.textContent = '';
  for (const m of msgs || []) { const c = m.content; const text = c.type === 'text' ? c.text : c.type === 'template' ? (c.template.text || c.template.name) : (c.media && c.media.caption) || (c.interactive && ((c.interactive.reply && c.interactive.reply.title) || c.interactive.text)) || '[' + c.type + ']';
    const s = document.createElement('div'); s.className = 'status'; s.textContent = m.direction === 'outbound' ? m.status + (m.statusDetail ? ' — ' + m.statusDetail.message : '') : '';
    bubble(log, m.direction === 'inbound' ? 'in' : 'out', text, s); }
}
el('oform').onsubmit = async (e) => { e.preventDefault(); const text = el('otext').value.trim(); if (!text || !selected) return; el('otext').value = '';
  const r = await api('/api/v1/conversations/' + selected + '/messages', { method: 'POST', body: JSON.stringify({ content: { type: 'text', text } }) });
  if (r.error) alert(r.error.message); refreshInbox(); };
setInterval(() => { refreshPhone(); refreshInbox(); }, 1000); refreshInbox();
</script></body></html>`;
}
