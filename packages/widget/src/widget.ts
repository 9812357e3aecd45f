/**
 * Switchboard web chat widget: one standalone script, no framework.
 *
 *   <script src="https://hub.example.com/widget.js" data-connection="conn_…" async></script>
 *
 * Optional attributes: data-position="left" (launcher bottom left). Everything is rendered inside a shadow root
 * (no style leakage either way); message text is always inserted with textContent.
 */

interface WidgetConfig { title?: string; color?: string; greeting?: string }
interface Session { visitorId: string; token: string; config?: WidgetConfig }
interface VisitorMessage { id: string; direction: 'inbound' | 'outbound'; content: { type?: string; text?: string } | null; timestamp: string; status: string }

const DEFAULT_COLOR = '#2563eb';

const CSS = `
:host{all:initial !important;display:block !important}
*,*::before,*::after{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:14px;line-height:1.4;color:#111827;letter-spacing:normal;text-transform:none;margin:0}
.wrap{position:fixed;bottom:20px;right:20px;z-index:2147483000}
.wrap.left{right:auto;left:20px}
button{font:inherit;cursor:pointer;border:0;background:none}
button:focus-visible,input:focus-visible{outline:3px solid #93c5fd;outline-offset:2px}
.launcher{width:56px;height:56px;border-radius:50%;background:var(--c);box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center;position:relative}
.launcher svg{width:26px;height:26px;fill:#fff}
.badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;border-radius:10px;background:#dc2626;color:#fff;font-size:12px;font-weight:700;line-height:20px;text-align:center}
.badge[hidden],.panel[hidden],.typing[hidden]{display:none}
.panel{position:absolute;bottom:72px;right:0;width:360px;height:min(540px,calc(100vh - 110px));background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden}
.left .panel{right:auto;left:0}
.head{background:var(--c);padding:12px 14px;display:flex;align-items:center;justify-content:space-between}
.head h2{color:#fff;font-size:16px;font-weight:600}
.close{color:#fff;font-size:22px;line-height:1;width:32px;height:32px;border-radius:6px}
.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:6px;background:#f9fafb}
.m{max-width:80%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere}
.m.outbound,.m.greeting{background:#e5e7eb;align-self:flex-start;border-bottom-left-radius:4px}
.m.inbound{background:var(--c);color:#fff;align-self:flex-end;border-bottom-right-radius:4px}
.m.pending{opacity:.6}
.m.failed{outline:2px solid #dc2626}
.typing{padding:2px 14px;color:#6b7280;font-size:12px;height:18px}
form{display:flex;gap:8px;padding:10px;border-top:1px solid #e5e7eb;background:#fff}
input{flex:1;min-width:0;padding:9px 11px;border:1px solid #d1d5db;border-radius:8px;background:#fff}
.send{background:var(--c);color:#fff;padding:0 14px;border-radius:8px;font-weight:600}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:480px){.wrap.open .panel{position:fixed;inset:0;width:100%;height:100%;border-radius:0}.wrap.open .launcher{display:none}}
`;

const ICON = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2z"/></svg>';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function uuid(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

function textOf(m: VisitorMessage): string {
  return m.content?.type === 'text' ? String(m.content.text ?? '') : `[${m.content?.type ?? 'message'}]`;
}

export function mount(script: HTMLScriptElement): void {
  const connectionId = script.dataset.connection;
  if (!connectionId) {
    console.error('[switchboard] widget: data-connection is missing on the <script> tag');
    return;
  }
  const origin = new URL(script.src, location.href).origin;
  const base = `${origin}/webchat/${encodeURIComponent(connectionId)}`;
  const storeKey = `switchboard.widget.${connectionId}`;

  let session: Session | null = null;
  try {
    session = JSON.parse(localStorage.getItem(storeKey) ?? 'null') as Session | null;
  } catch {
    session = null;
  }
  let stream: EventSource | null = null;
  let isOpen = false;
  let unread = 0;
  let historyLoaded = false;
  let lastTyping = 0;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  const seen = new Set<string>();

  // ---- DOM (all inside a shadow root) ----
  const host = el('div', { id: 'switchboard-widget', 'data-connection': connectionId });
  const root = host.attachShadow({ mode: 'open' });
  const style = el('style');
  style.textContent = CSS;
  const wrap = el('div', { class: script.dataset.position === 'left' ? 'wrap left' : 'wrap' });
  const launcher = el('button', { class: 'launcher', type: 'button', 'aria-label': 'Open chat', 'aria-expanded': 'false', 'aria-controls': 'sb-panel' });
  launcher.innerHTML = ICON; // static markup, no user data
  const badge = el('span', { class: 'badge', hidden: '', 'aria-hidden': 'true' });
  launcher.append(badge);
  const panel = el('div', { class: 'panel', id: 'sb-panel', role: 'dialog', 'aria-labelledby': 'sb-title', hidden: '' });
  const head = el('div', { class: 'head' });
  const title = el('h2', { id: 'sb-title' }, 'Chat with us');
  const close = el('button', { class: 'close', type: 'button', 'aria-label': 'Close chat' }, '×');
  head.append(title, close);
  const log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages' });
  const typing = el('div', { class: 'typing', 'aria-live': 'polite', hidden: '' }, 'Typing…');
  const form = el('form');
  const label = el('label', { for: 'sb-input', class: 'sr' }, 'Message');
  const input = el('input', { id: 'sb-input', type: 'text', autocomplete: 'off', placeholder: 'Write a message…', maxlength: '10000' });
  const send = el('button', { class: 'send', type: 'submit' }, 'Send');
  form.append(label, input, send);
  panel.append(head, log, typing, form);
  wrap.append(panel, launcher);
  root.append(style, wrap);

  function applyConfig(config: WidgetConfig | undefined): void {
    const color = config?.color && /^#[0-9a-fA-F]{6}$/.test(config.color) ? config.color : DEFAULT_COLOR;
    wrap.style.setProperty('--c', color);
    title.textContent = config?.title || 'Chat with us';
    if (config?.greeting && !log.querySelector('.greeting')) log.prepend(el('div', { class: 'm greeting' }, config.greeting));
  }
  applyConfig(session?.config);

  function setUnread(n: number): void {
    unread = n;
    badge.hidden = n === 0;
    badge.textContent = n > 9 ? '9+' : String(n);
    launcher.setAttribute('aria-label', n ? `Open chat (${n} unread)` : 'Open chat');
  }

  function scroll(): void {
    log.scrollTop = log.scrollHeight;
  }

  function show(m: VisitorMessage): void {
    if (seen.has(m.id)) return;
    seen.add(m.id);
    const text = textOf(m);
    if (m.direction === 'inbound') {
      // the visitor's own message echoed by the stream: confirm the optimistic bubble instead of adding another
      const pending = Array.from(log.querySelectorAll<HTMLElement>('.m[data-local]')).find((p) => p.textContent === text);
      if (pending) {
        pending.classList.remove('pending');
        pending.removeAttribute('data-local');
        pending.dataset.id = m.id;
        return;
      }
    }
    const bubble = el('div', { class: `m ${m.direction}`, 'data-id': m.id, title: new Date(m.timestamp).toLocaleString() });
    bubble.textContent = text;
    log.append(bubble);
    scroll();
  }

  async function ensureSession(): Promise<Session> {
    if (session) return session;
    const res = await fetch(`${base}/sessions`, { method: 'POST' });
    if (!res.ok) throw new Error(`session: HTTP ${res.status}`);
    session = (await res.json()) as Session;
    localStorage.setItem(storeKey, JSON.stringify(session));
    applyConfig(session.config);
    return session;
  }

  function dropSession(): void {
    session = null;
    localStorage.removeItem(storeKey);
    stream?.close();
    stream = null;
  }

  function connect(s: Session): void {
    if (stream) return;
    stream = new EventSource(`${base}/stream?token=${encodeURIComponent(s.token)}`);
    stream.addEventListener('message', (e) => {
      const m = JSON.parse((e as MessageEvent<string>).data) as VisitorMessage;
      typing.hidden = true;
      const fresh = !seen.has(m.id);
      show(m);
      if (fresh && m.direction === 'outbound' && !isOpen) setUnread(unread + 1);
    });
    stream.addEventListener('typing', () => {
      typing.hidden = false;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => (typing.hidden = true), 5000);
    });
  }

  async function loadHistory(s: Session): Promise<void> {
    const res = await fetch(`${base}/messages`, { headers: { authorization: `Bearer ${s.token}` } });
    if (res.status === 401 || res.status === 403 || res.status === 404) {
      dropSession();
      return;
    }
    if (!res.ok) return;
    const body = (await res.json()) as { messages?: VisitorMessage[] };
    for (const m of body.messages ?? []) show(m);
    historyLoaded = true;
  }

  async function start(): Promise<void> {
    let s = await ensureSession();
    if (!historyLoaded) {
      await loadHistory(s);
      if (!session) s = await ensureSession(); // the stored session was no longer valid
    }
    connect(s);
  }

  function open(): void {
    isOpen = true;
    panel.hidden = false;
    wrap.classList.add('open');
    launcher.setAttribute('aria-expanded', 'true');
    setUnread(0);
    input.focus();
    scroll();
    start().catch((err: unknown) => console.error('[switchboard] widget:', err));
  }

  function hide(): void {
    isOpen = false;
    panel.hidden = true;
    wrap.classList.remove('open');
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  }

  launcher.addEventListener('click', () => (isOpen ? hide() : open()));
  close.addEventListener('click', hide);
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') hide();
  });
  input.addEventListener('input', () => {
    if (!session || Date.now() - lastTyping < 3000) return;
    lastTyping = Date.now();
    void fetch(`${base}/typing`, { method: 'POST', headers: { authorization: `Bearer ${session.token}` } }).catch(() => undefined);
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    const bubble = el('div', { class: 'm inbound pending', 'data-local': '' });
    bubble.textContent = text;
    log.append(bubble);
    scroll();
    void (async () => {
      try {
        const s = await ensureSession();
        connect(s);
        const res = await fetch(`${base}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ clientMessageId: uuid(), text }),
        });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        setTimeout(() => bubble.classList.remove('pending'), 3000);
      } catch (err) {
        bubble.classList.remove('pending');
        bubble.classList.add('failed');
        bubble.title = 'Not sent';
        console.error('[switchboard] widget: send failed', err);
      }
    })();
  });

  document.body.append(host);
  // a stored session: listen already, so replies that arrive while closed raise the unread badge
  if (session) connect(session);
}

const current = document.currentScript;
if (current instanceof HTMLScriptElement) {
  const s = current;
  if (document.body) mount(s);
  else document.addEventListener('DOMContentLoaded', () => mount(s), { once: true });
}
