/**
 * Switchboard web chat widget: one standalone script, no framework.
 *
 *   <script src="https://hub.example.com/widget.js" data-connection="conn_…" async></script>
 *
 * Appearance (colour, title, launcher position, avatar), greeting, opening hours and the offline behaviour come
 * from GET /webchat/{id}/settings; data-position="left" on the tag still overrides the position. Everything is
 * rendered inside a shadow root (no style leakage either way); message content is always inserted with
 * textContent, and media URLs only ever become attributes (http(s) only), never markup.
 */

interface WidgetConfig {
  title?: string;
  color?: string;
  greeting?: string;
}
interface Session {
  visitorId: string;
  token: string;
  config?: WidgetConfig;
}
interface Media {
  url?: string;
  mimeType?: string;
  fileName?: string;
  caption?: string;
}
interface VisitorMessage {
  id: string;
  direction: 'inbound' | 'outbound';
  content: { type?: string; text?: string; media?: Media; body?: string } | null;
  timestamp: string;
  status: string;
  clientMessageId?: string;
  author?: { kind: 'bot' | 'automation' | 'operator'; name?: string };
}
interface PublicSettings {
  appearance?: { title?: string; color?: string; position?: 'right' | 'left'; avatarUrl?: string | null };
  greeting?: string | null;
  open?: boolean;
  offline?: { mode?: 'form' | 'message' | 'chat'; text?: string };
}

const DEFAULT_COLOR = '#2563eb';
const ACCEPT =
  'image/png,image/jpeg,image/gif,image/webp,application/pdf,audio/*,video/mp4,video/webm,video/quicktime,video/ogg';

const CSS = `
:host{all:initial !important;display:block !important}
*,*::before,*::after{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:14px;line-height:1.4;color:#111827;letter-spacing:normal;text-transform:none;margin:0}
.wrap{position:fixed;bottom:20px;right:20px;z-index:2147483000}
.wrap.left{right:auto;left:20px}
button{font:inherit;cursor:pointer;border:0;background:none}
button:focus-visible,input:focus-visible,textarea:focus-visible,a:focus-visible{outline:3px solid #93c5fd;outline-offset:2px}
.launcher{width:56px;height:56px;border-radius:50%;background:var(--c);box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center;position:relative}
.launcher svg{width:26px;height:26px;fill:#fff}
.badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;border-radius:10px;background:#dc2626;color:#fff;font-size:12px;font-weight:700;line-height:20px;text-align:center}
[hidden]{display:none !important}
.panel{position:absolute;bottom:72px;right:0;width:360px;height:min(540px,calc(100vh - 110px));background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden}
.left .panel{right:auto;left:0}
.head{background:var(--c);padding:12px 14px;display:flex;align-items:center;gap:10px}
.avatar{width:32px;height:32px;border-radius:50%;object-fit:cover;background:#fff}
.head h2{color:#fff;font-size:16px;font-weight:600;flex:1}
.close{color:#fff;font-size:22px;line-height:1;width:32px;height:32px;border-radius:6px}
.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:6px;background:#f9fafb}
.m{max-width:80%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere}
.m.outbound,.m.greeting{background:#e5e7eb;align-self:flex-start;border-bottom-left-radius:4px}
.m.inbound{background:var(--c);color:#fff;align-self:flex-end;border-bottom-right-radius:4px}
.m.inbound a{color:#fff}
.m img{display:block;max-width:100%;max-height:220px;border-radius:8px}
.m.pending{opacity:.6}
.who{font-size:11px;font-weight:600;color:#475569;align-self:flex-start;margin:4px 0 -4px 2px;display:flex;gap:6px;align-items:center}
.who .b{font-size:10px;padding:0 5px;border-radius:8px;background:#ede9fe;color:#5b21b6}
.m.failed{outline:2px solid #dc2626}
.note{padding:8px 12px;background:#fef3c7;font-size:13px}
.typing{padding:2px 14px;color:#6b7280;font-size:12px;height:18px}
form.chat{display:flex;gap:8px;padding:10px;border-top:1px solid #e5e7eb;background:#fff}
input,textarea{flex:1;min-width:0;padding:9px 11px;border:1px solid #d1d5db;border-radius:8px;background:#fff;width:100%}
textarea{resize:vertical;min-height:80px}
.attach{width:36px;border-radius:8px;color:#4b5563;display:flex;align-items:center;justify-content:center}
.attach svg{width:22px;height:22px}
.send,.submit{background:var(--c);color:#fff;padding:0 14px;border-radius:8px;font-weight:600;min-height:38px}
.off{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:10px}
.off label{display:flex;flex-direction:column;gap:4px;font-weight:600;font-size:13px}
.status{font-size:13px;color:#374151}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:480px){.wrap.open .panel{position:fixed;inset:0;width:100%;height:100%;border-radius:0}.wrap.open .launcher{display:none}}
`;

const CLIP =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M16.5 6.5 8.6 14.4a1.5 1.5 0 0 0 2.1 2.1l7.9-7.9a3 3 0 0 0-4.2-4.2L6.3 12.5a4.5 4.5 0 0 0 6.4 6.4l6.3-6.3" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/></svg>';
const ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2z"/></svg>';

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function uuid(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** an http(s) URL or nothing: a javascript: or data: URL never reaches an attribute */
function safeUrl(url: unknown, origin: string): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const u = new URL(url, origin);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function textOf(m: VisitorMessage): string {
  const c = m.content;
  if (c?.type === 'text') return String(c.text ?? '');
  return c?.media?.caption ?? (typeof c?.body === 'string' ? c.body : `[${c?.type ?? 'message'}]`);
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
  let offlineView: HTMLElement | null = null;
  const seen = new Set<string>();

  // ---- DOM (all inside a shadow root) ----
  const host = el('div', { id: 'switchboard-widget', 'data-connection': connectionId });
  const root = host.attachShadow({ mode: 'open' });
  const style = el('style');
  style.textContent = CSS;
  const wrap = el('div', { class: script.dataset.position === 'left' ? 'wrap left' : 'wrap' });
  const launcher = el('button', {
    class: 'launcher',
    type: 'button',
    'aria-label': 'Open chat',
    'aria-expanded': 'false',
    'aria-controls': 'sb-panel',
  });
  launcher.innerHTML = ICON; // static markup, no user data
  const badge = el('span', { class: 'badge', hidden: '', 'aria-hidden': 'true' });
  launcher.append(badge);
  const panel = el('div', {
    class: 'panel',
    id: 'sb-panel',
    role: 'dialog',
    'aria-labelledby': 'sb-title',
    hidden: '',
  });
  const head = el('div', { class: 'head' });
  const title = el('h2', { id: 'sb-title' }, 'Chat with us');
  const close = el('button', { class: 'close', type: 'button', 'aria-label': 'Close chat' }, '×');
  head.append(title, close);
  const note = el('p', { class: 'note', role: 'status', hidden: '' });
  const log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages' });
  const typing = el('div', { class: 'typing', 'aria-live': 'polite', hidden: '' }, 'Typing…');
  const form = el('form', { class: 'chat' });
  const label = el('label', { for: 'sb-input', class: 'sr' }, 'Message');
  const input = el('input', {
    id: 'sb-input',
    type: 'text',
    autocomplete: 'off',
    placeholder: 'Write a message…',
    maxlength: '10000',
  });
  const attach = el('button', {
    class: 'attach',
    type: 'button',
    'aria-label': 'Attach a file',
    title: 'Attach a file',
  });
  attach.innerHTML = CLIP; // static markup, no user data
  const send = el('button', { class: 'send', type: 'submit' }, 'Send');
  form.append(label, attach, input, send);
  panel.append(head, note, log, typing, form);
  wrap.append(panel, launcher);
  root.append(style, wrap);

  function applyConfig(config: WidgetConfig | undefined): void {
    const color = config?.color && /^#[0-9a-fA-F]{6}$/.test(config.color) ? config.color : DEFAULT_COLOR;
    wrap.style.setProperty('--c', color);
    title.textContent = config?.title || 'Chat with us';
    const greeting = log.querySelector('.greeting');
    if (config?.greeting && !greeting) log.prepend(el('div', { class: 'm greeting' }, config.greeting));
    else if (config?.greeting && greeting) greeting.textContent = config.greeting;
  }
  applyConfig(session?.config);

  function applySettings(s: PublicSettings): void {
    const a = s.appearance ?? {};
    applyConfig({ title: a.title, color: a.color, greeting: s.greeting ?? undefined });
    if (!script.dataset.position) wrap.classList.toggle('left', a.position === 'left');
    const avatarUrl = safeUrl(a.avatarUrl, origin);
    let avatar = head.querySelector('img');
    if (avatarUrl) {
      if (!avatar) {
        avatar = el('img', { class: 'avatar', alt: '' });
        head.prepend(avatar);
      }
      avatar.src = avatarUrl;
    } else avatar?.remove();
    const mode = s.open === false ? (s.offline?.mode ?? 'form') : 'online';
    const text = s.offline?.text ?? '';
    note.hidden = mode !== 'chat' || !text;
    note.textContent = mode === 'chat' ? text : '';
    const chat = mode === 'online' || mode === 'chat';
    log.hidden = !chat;
    form.hidden = !chat;
    if (chat) {
      offlineView?.remove();
      offlineView = null;
    } else if (!offlineView) {
      offlineView = mode === 'form' ? offlineForm(text) : el('div', { class: 'off' });
      if (mode !== 'form') offlineView.append(el('p', {}, text));
      panel.insertBefore(offlineView, typing);
    }
  }

  async function loadSettings(): Promise<void> {
    try {
      const res = await fetch(`${base}/settings`);
      if (res.ok) applySettings((await res.json()) as PublicSettings);
    } catch {
      // keep what we have; the chat still works without settings
    }
  }

  /** outside opening hours: "leave your email" — creates the contact and a conversation the operator answers later */
  function offlineForm(text: string): HTMLElement {
    const box = el('form', { class: 'off', 'aria-label': 'Leave a message' });
    const intro = el('p', {}, text);
    const email = el('input', { type: 'email', name: 'email', required: '', maxlength: '254', autocomplete: 'email' });
    const name = el('input', { type: 'text', name: 'name', maxlength: '200', autocomplete: 'name' });
    const message = el('textarea', { name: 'message', required: '', maxlength: '5000' });
    const field = (text: string, control: HTMLElement) => {
      const l = el('label', {}, text);
      l.append(control);
      return l;
    };
    const submit = el('button', { class: 'submit', type: 'submit' }, 'Send');
    const status = el('p', { class: 'status', role: 'status' });
    box.append(intro, field('Email', email), field('Name (optional)', name), field('Message', message), submit, status);
    box.addEventListener('submit', (e) => {
      e.preventDefault();
      submit.disabled = true;
      status.textContent = 'Sending…';
      void (async () => {
        try {
          const res = await fetch(`${base}/offline`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...(session ? { authorization: `Bearer ${session.token}` } : {}),
            },
            body: JSON.stringify({
              email: email.value.trim(),
              message: message.value,
              clientMessageId: uuid(),
              ...(name.value.trim() ? { name: name.value.trim() } : {}),
            }),
          });
          if (res.status === 429) throw new Error('Too many messages from here; please try again later.');
          if (!res.ok) throw new Error('Your message could not be sent. Please check the email address and try again.');
          const body = (await res.json()) as { session?: Session };
          if (body.session) {
            session = body.session;
            localStorage.setItem(storeKey, JSON.stringify(session));
          }
          status.textContent = `Thank you! We will reply to ${email.value.trim()}.`;
          for (const c of [email, name, message, submit]) c.hidden = true;
          box.querySelectorAll('label').forEach((l) => (l.hidden = true));
        } catch (err) {
          status.textContent = err instanceof Error ? err.message : 'Not sent';
          submit.disabled = false;
        }
      })();
    });
    return box;
  }

  function setUnread(n: number): void {
    unread = n;
    badge.hidden = n === 0;
    badge.textContent = n > 9 ? '9+' : String(n);
    launcher.setAttribute('aria-label', n ? `Open chat (${n} unread)` : 'Open chat');
  }

  function scroll(): void {
    log.scrollTop = log.scrollHeight;
  }

  /** fills a bubble from message content: text as text, images as <img>, other files as links */
  function fill(bubble: HTMLElement, m: VisitorMessage): void {
    bubble.textContent = '';
    const media = m.content?.media;
    const url = media && safeUrl(media.url, origin);
    if (!url) {
      bubble.textContent = textOf(m);
      return;
    }
    if (m.content?.type === 'image')
      bubble.append(el('img', { src: url, alt: media.fileName || 'Image', loading: 'lazy' }));
    else
      bubble.append(
        el(
          'a',
          { href: url, target: '_blank', rel: 'noopener noreferrer' },
          media.fileName || `${m.content?.type ?? 'file'}`,
        ),
      );
    if (media.caption) bubble.append(el('div', {}, media.caption));
  }

  function show(m: VisitorMessage): void {
    if (seen.has(m.id)) return;
    seen.add(m.id);
    if (m.direction === 'inbound') {
      // the visitor's own message echoed by the stream: confirm the optimistic bubble instead of adding another
      const local = Array.from(log.querySelectorAll<HTMLElement>('.m[data-local]'));
      const pending =
        local.find((p) => m.clientMessageId && p.dataset.cid === m.clientMessageId) ??
        local.find((p) => !m.clientMessageId && p.textContent === textOf(m));
      if (pending) {
        pending.classList.remove('pending', 'failed');
        pending.removeAttribute('data-local');
        pending.dataset.id = m.id;
        fill(pending, m);
        return;
      }
    }
    const bubble = el('div', {
      class: `m ${m.direction}`,
      'data-id': m.id,
      title: new Date(m.timestamp).toLocaleString(),
    });
    fill(bubble, m);
    // who answered: a bot says it is one, a person of the team is "Support", an automatic reply says so
    const a = m.author;
    if (a) {
      const who = el('div', { class: 'who', 'data-author': a.kind });
      who.textContent = a.kind === 'bot' ? (a.name ?? 'Bot') : a.kind === 'automation' ? 'Automatic reply' : 'Support';
      if (a.kind === 'bot') {
        const b = el('span', { class: 'b' });
        b.textContent = 'Bot';
        who.append(b);
      }
      log.append(who);
    }
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
    await loadSettings(); // the opening hours may have begun or ended since the page loaded
    if (offlineView) return; // the offline form needs no session until it is sent
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

  function pendingBubble(text: string, cid: string): HTMLElement {
    const bubble = el('div', { class: 'm inbound pending', 'data-local': '', 'data-cid': cid });
    bubble.textContent = text;
    log.append(bubble);
    scroll();
    return bubble;
  }

  function failed(bubble: HTMLElement, why: string, err: unknown): void {
    bubble.classList.remove('pending');
    bubble.classList.add('failed');
    bubble.title = why;
    console.error('[switchboard] widget: send failed', err);
  }

  async function post(body: Record<string, unknown>): Promise<void> {
    const s = await ensureSession();
    connect(s);
    const res = await fetch(`${base}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  }

  async function sendFile(file: File): Promise<void> {
    const cid = uuid();
    const bubble = pendingBubble(`Sending ${file.name}…`, cid);
    try {
      const s = await ensureSession();
      const res = await fetch(`${base}/uploads?fileName=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.token}`, 'content-type': file.type || 'application/octet-stream' },
        body: file,
      });
      if (res.status === 413) throw new Error('The file is too large');
      if (res.status === 415) throw new Error('This type of file cannot be sent');
      if (!res.ok) throw new Error(`upload: HTTP ${res.status}`);
      const up = (await res.json()) as { url: string; mimeType: string; size: number; fileName: string | null };
      await post({
        clientMessageId: cid,
        attachment: {
          url: up.url,
          mimeType: up.mimeType,
          size: up.size,
          ...(up.fileName ? { fileName: up.fileName } : {}),
        },
      });
    } catch (err) {
      bubble.textContent = `${file.name}: ${err instanceof Error ? err.message : 'not sent'}`;
      failed(bubble, 'Not sent', err);
    }
  }

  launcher.addEventListener('click', () => (isOpen ? hide() : open()));
  close.addEventListener('click', hide);
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') hide();
  });
  input.addEventListener('input', () => {
    if (!session || Date.now() - lastTyping < 3000) return;
    lastTyping = Date.now();
    void fetch(`${base}/typing`, { method: 'POST', headers: { authorization: `Bearer ${session.token}` } }).catch(
      () => undefined,
    );
  });
  attach.addEventListener('click', () => {
    // a detached file input: the shadow root keeps a single text input
    const picker = el('input', { type: 'file', accept: ACCEPT });
    picker.addEventListener('change', () => {
      const file = picker.files?.[0];
      if (file) void sendFile(file);
    });
    picker.click();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    const cid = uuid();
    const bubble = pendingBubble(text, cid);
    post({ clientMessageId: cid, text })
      .then(() => setTimeout(() => bubble.classList.remove('pending'), 3000))
      .catch((err: unknown) => failed(bubble, 'Not sent', err));
  });

  document.body.append(host);
  void loadSettings();
  // a stored session: listen already, so replies that arrive while closed raise the unread badge
  if (session) connect(session);
}

const current = document.currentScript;
if (current instanceof HTMLScriptElement) {
  const s = current;
  if (document.body) mount(s);
  else document.addEventListener('DOMContentLoaded', () => mount(s), { once: true });
}
