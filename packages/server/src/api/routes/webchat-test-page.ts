/**
 * @module api/routes/webchat-test-page
 * A minimal page to chat as a visitor with a webchat connection (the real widget is its own package).
 * Message text is inserted with textContent, never as HTML.
 */
export function webchatTestPage(connectionId: string): string {
  const id = JSON.stringify(connectionId).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard web chat test</title>
<style>body{font:16px system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}#log{border:1px solid #ccc;border-radius:8px;height:22rem;overflow:auto;padding:.5rem}
.m{margin:.3rem 0;padding:.4rem .6rem;border-radius:8px;max-width:80%}.inbound{background:#e0edff;margin-left:auto}.outbound{background:#eee}#typing{height:1.2rem;color:#666;font-size:.9rem}
form{display:flex;gap:.5rem;margin-top:.5rem}input{flex:1;padding:.5rem}</style></head>
<body><h1>Web chat test</h1><div id="log" role="log" aria-live="polite"></div><div id="typing"></div>
<form id="f"><label for="t" hidden>Message</label><input id="t" autocomplete="off" placeholder="Write a message"><button>Send</button></form>
<script>
const connectionId = ${id};
const base = location.origin + '/webchat/' + encodeURIComponent(connectionId);
const key = 'switchboard.webchat.' + connectionId;
const log = document.getElementById('log'), typing = document.getElementById('typing');
const seen = new Set();
function show(m) {
  if (seen.has(m.id)) return; seen.add(m.id);
  const d = document.createElement('div'); d.className = 'm ' + m.direction; d.dataset.id = m.id;
  d.textContent = m.content && m.content.type === 'text' ? m.content.text : '[' + (m.content ? m.content.type : 'message') + ']';
  log.appendChild(d); log.scrollTop = log.scrollHeight;
}
async function session() {
  let s = JSON.parse(localStorage.getItem(key) || 'null');
  if (!s) { const r = await fetch(base + '/sessions', { method: 'POST' }); s = await r.json(); localStorage.setItem(key, JSON.stringify(s)); }
  return s;
}
(async () => {
  const s = await session();
  const h = await (await fetch(base + '/messages', { headers: { authorization: 'Bearer ' + s.token } })).json();
  (h.messages || []).forEach(show);
  const es = new EventSource(base + '/stream?token=' + encodeURIComponent(s.token));
  es.addEventListener('message', (e) => { typing.textContent = ''; show(JSON.parse(e.data)); });
  es.addEventListener('typing', () => { typing.textContent = 'typing…'; setTimeout(() => typing.textContent = '', 4000); });
  document.getElementById('f').addEventListener('submit', async (e) => {
    e.preventDefault(); const t = document.getElementById('t'); const text = t.value.trim(); if (!text) return; t.value = '';
    await fetch(base + '/messages', { method: 'POST', headers: { authorization: 'Bearer ' + s.token, 'content-type': 'application/json' }, body: JSON.stringify({ clientMessageId: crypto.randomUUID(), text }) });
  });
})();
</script></body></html>`;
}
