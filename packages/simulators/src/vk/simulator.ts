// A VK API + Callback API + Bots Long Poll simulator (https://dev.vk.com/en/api/api-requests,
// https://dev.vk.com/en/api/callback/getting-started, https://dev.vk.com/en/api/bots-long-poll/getting-started):
// form-encoded method calls answered `{response}` or VK's `{error: {error_code, error_msg, request_params}}`, a
// community token's 20 requests/s (error 6), random_id idempotency, per-peer conversation_message_id, upload
// servers, callback delivery that retries until the answer is exactly `ok`, a long-poll server with ts and
// failed 1/2/3, and fault injection.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen } from '../http/listen.js';
import { parseMultipart } from '../http/multipart.js';
import { readBody } from '../http/read-body.js';
import { respondJson, respondRaw } from '../http/respond.js';

export interface VkSimulatorOptions {
  groupId?: number;
  token?: string;
  /** multiplies callback retry delays (tests use 0.001) */
  callbackRetryScale?: number;
  /** requests per second per token before error 6 */
  perSecond?: number;
  /** characters messages.send takes before error 914 "Message is too long" (https://dev.vk.com/en/method/messages.send: 9000) */
  maxMessageLength?: number;
}

/** a VK user as users.get answers it (vk-api-schema users/objects.json `users_user_full`) */
export interface VkUser {
  firstName: string;
  lastName: string;
  photo200?: string;
  screenName?: string;
}

export interface VkSentMessage {
  at: string;
  id: number;
  peerId: number;
  conversationMessageId: number;
  randomId: number;
  text: string;
  attachment?: string;
  keyboard?: unknown;
  template?: unknown;
}

export interface VkCallbackAttempt {
  url: string;
  type: string;
  status: number;
  body: string;
}

interface CallbackServer {
  id: number;
  url: string;
  secretKey: string;
  status: 'unconfigured' | 'ok' | 'failed';
  events: Set<string>;
}

export interface VkSimulator {
  url: string;
  groupId: number;
  token: string;
  confirmationCode: string;
  sent: VkSentMessage[];
  calls: Array<{ method: string; params: Record<string, string> }>;
  /** the calls answered error 6 (too many requests per second), by method */
  tooManyRequests: string[];
  callbackAttempts: VkCallbackAttempt[];
  callbackServers(): Array<Omit<CallbackServer, 'events'> & { events: string[] }>;
  /** the next call of `method` answers this VK error */
  failNext(method: string, code: number, message?: string): void;
  /** the next call of `method` is carried out but its answer is lost (HTTP 502): the client retries */
  loseAnswerOnce(method: string): void;
  /** users who have denied community messages get error 901 */
  denyMessages(userId: number): void;
  /** a customer event, sent to the callback servers and queued for the long poll; returns the event_id */
  customerMessage(
    userId: number,
    input: { text?: string; attachments?: unknown[]; payload?: string; geo?: unknown },
  ): { eventId: string; conversationMessageId: number };
  customerEdit(userId: number, conversationMessageId: number, text: string): string;
  pressCallbackButton(userId: number, payload: unknown, conversationMessageId?: number): string;
  allowMessages(userId: number): string;
  deny(userId: number): string;
  read(userId: number, conversationMessageId: number): string;
  typing(userId: number): string;
  /** long poll: the key expires (failed 2), the history is lost (failed 3), or ts is pushed out of range (failed 1) */
  expireLongPollKey(): void;
  loseLongPollHistory(): void;
  /** the events so far drop out of the history, the key stays valid: an older ts gets failed 1 with the new ts */
  outdateLongPollHistory(): void;
  /** the failed codes the long-poll server answered, in order */
  longPollFailures: number[];
  /** a_check requests the long-poll server received */
  longPollChecks: number;
  eventAnswers: Array<{ eventId: string; userId: number; peerId: number }>;
  /** what customers wrote, in order (the customer side of the sandbox phone) */
  customerMessages: Array<{ at: string; userId: number; conversationMessageId: number; text: string }>;
  /** a new VK user id for a customer, with the profile users.get gives */
  createUser(profile?: Partial<VkUser>): number;
  /** sets the profile users.get gives for a user id */
  setUser(userId: number, profile: VkUser): void;
  uploadedPhotos: number;
  /** a file on VK's CDN (userapi.com), served without the token as VK serves attachments; returns its URL */
  cdnFile(name: string, bytes: Buffer, mimeType: string): string;
  close(): Promise<void>;
}

export async function startVkSimulator(options: VkSimulatorOptions = {}): Promise<VkSimulator> {
  const groupId = options.groupId ?? 200_000_001;
  const token = options.token ?? `vk1.a.${randomBytes(24).toString('hex')}`;
  const confirmationCode = randomBytes(4).toString('hex');
  const scale = options.callbackRetryScale ?? 1;
  const perSecond = options.perSecond ?? 20;
  const tooManyRequests: string[] = [];
  const sent: VkSentMessage[] = [];
  const calls: VkSimulator['calls'] = [];
  const attempts: VkCallbackAttempt[] = [];
  const servers: CallbackServer[] = [];
  const faults = new Map<string, { code: number; message: string }>();
  const lostAnswers = new Set<string>();
  const denied = new Set<number>();
  const byRandomId = new Map<string, VkSentMessage>();
  const cmids = new Map<number, number>();
  const eventAnswers: VkSimulator['eventAnswers'] = [];
  const customerMessages: VkSimulator['customerMessages'] = [];
  const users = new Map<number, VkUser>();
  // callback button presses waiting for messages.sendMessageEventAnswer
  const pendingPresses = new Map<string, { userId: number; peerId: number }>();
  const maxLength = options.maxMessageLength ?? 9000;
  const cdn = new Map<string, { bytes: Buffer; mimeType: string }>();
  let baseUrl = '';
  let nextUser = 5_000_000;
  const window: number[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let messageId = 100;
  let uploadedPhotos = 0;
  let closed = false;
  // long poll: events numbered from ts 1; the key can expire, the history can be lost
  let lpKey = randomBytes(16).toString('hex');
  let lpFirstTs = 1;
  // failed 1 ("the event history is outdated or partly lost: go on from the new ts") rather than 3 for an old ts
  let lpPartlyLost = false;
  const longPollFailures: number[] = [];
  let longPollChecks = 0;
  const lpEvents: unknown[] = [];
  const lpWaiters = new Set<() => void>();

  const nextCmid = (peer: number) => {
    const n = (cmids.get(peer) ?? 0) + 1;
    cmids.set(peer, n);
    return n;
  };

  const vkError = (res: ServerResponse, code: number, msg: string, params: Record<string, string>, method: string) =>
    respondJson(res, 200, {
      error: {
        error_code: code,
        error_msg: msg,
        request_params: [
          { key: 'method', value: method },
          { key: 'v', value: params.v ?? '' },
        ],
      },
    });

  const schedule = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!closed) fn();
    }, ms);
    timers.add(t);
  };

  /** POSTs one event; anything but 200 `ok` is retried with backoff (VK's policy is undocumented: 5 tries) */
  function deliver(server: CallbackServer, event: Record<string, unknown>, attempt = 1): void {
    const body = JSON.stringify({ ...event, secret: server.secretKey });
    fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(10_000),
    })
      .then(async (r) => ({ status: r.status, text: await r.text() }))
      .catch(() => ({ status: 0, text: '' }))
      .then(
        ({ status, text }) => {
          attempts.push({ url: server.url, type: String(event.type), status, body: text });
          if (status === 200 && text === 'ok') return;
          if (attempt < 5) schedule(() => deliver(server, event, attempt + 1), 1000 * 2 ** attempt * scale);
        },
        () => undefined,
      );
  }

  function confirm(server: CallbackServer, attempt = 1): void {
    fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'confirmation', group_id: groupId }),
      signal: AbortSignal.timeout(10_000),
    })
      .then(async (r) => ({ status: r.status, text: await r.text() }))
      .catch(() => ({ status: 0, text: '' }))
      .then(
        ({ status, text }) => {
          attempts.push({ url: server.url, type: 'confirmation', status, body: text });
          if (status === 200 && text === confirmationCode) server.status = 'ok';
          else if (attempt < 8) schedule(() => confirm(server, attempt + 1), 300 * attempt);
          else server.status = 'failed';
        },
        () => undefined,
      );
  }

  function emit(type: string, object: unknown): string {
    const eventId = randomBytes(20).toString('hex');
    const event = { group_id: groupId, type, event_id: eventId, v: '5.199', object };
    for (const s of servers) if (s.status === 'ok' && s.events.has(type)) deliver(s, event);
    lpEvents.push(event);
    for (const w of [...lpWaiters]) w();
    return eventId;
  }

  const userMessage = (userId: number, cmid: number, extra: Record<string, unknown>) => ({
    date: Math.floor(Date.now() / 1000),
    from_id: userId,
    id: ++messageId,
    out: 0,
    peer_id: userId,
    text: '',
    conversation_message_id: cmid,
    fwd_messages: [],
    important: false,
    attachments: [],
    is_hidden: false,
    ...extra,
  });

  const longPoll = { enabled: false, apiVersion: '5.199', events: new Set<string>() };
  async function method(name: string, p: Record<string, string>, base: string): Promise<unknown> {
    switch (name) {
      case 'groups.getById':
        return { groups: [{ id: groupId, name: 'Simulated community', screen_name: `club${groupId}`, type: 'group' }] };
      case 'groups.getCallbackConfirmationCode':
        return { code: confirmationCode };
      case 'groups.getCallbackServers':
        return {
          count: servers.length,
          items: servers.map((s) => ({
            id: s.id,
            url: s.url,
            title: 'server',
            secret_key: s.secretKey,
            status: s.status,
          })),
        };
      case 'groups.addCallbackServer': {
        if (servers.length >= 10) throw Object.assign(new Error('Too many callback servers'), { vk: 100 });
        const server: CallbackServer = {
          id: servers.length + 1,
          url: p.url ?? '',
          secretKey: p.secret_key ?? '',
          status: 'unconfigured',
          events: new Set(),
        };
        servers.push(server);
        schedule(() => confirm(server), 10);
        return { server_id: server.id };
      }
      case 'groups.setCallbackSettings': {
        const server = servers.find((s) => s.id === Number(p.server_id));
        if (!server)
          throw Object.assign(new Error('One of the parameters specified was missing or invalid: server_id'), {
            vk: 100,
          });
        for (const [k, v] of Object.entries(p))
          if (/^(message|group|wall)_/.test(k)) {
            if (v === '1') server.events.add(k);
            else server.events.delete(k);
          }
        return 1;
      }
      case 'groups.editCallbackServer': {
        // https://dev.vk.com/en/method/groups.editCallbackServer: a new URL is confirmed again before events flow
        const server = servers.find((s) => s.id === Number(p.server_id));
        if (!server || !p.url)
          throw Object.assign(new Error('One of the parameters specified was missing or invalid: server_id'), {
            vk: 100,
          });
        server.url = p.url;
        if (p.secret_key !== undefined) server.secretKey = p.secret_key;
        server.status = 'unconfigured';
        schedule(() => confirm(server), 10);
        return 1;
      }
      case 'groups.setLongPollSettings':
        for (const [k, v] of Object.entries(p)) {
          if (k === 'enabled') longPoll.enabled = v === '1';
          else if (k === 'api_version') longPoll.apiVersion = v;
          else if (/^(message|group|wall)_/.test(k)) {
            if (v === '1') longPoll.events.add(k);
            else longPoll.events.delete(k);
          }
        }
        return 1;
      case 'groups.getLongPollSettings':
        // https://dev.vk.com/en/method/groups.getLongPollSettings
        return {
          is_enabled: longPoll.enabled,
          api_version: longPoll.apiVersion,
          events: Object.fromEntries([...longPoll.events].map((e) => [e, 1])),
        };
      case 'groups.getLongPollServer':
        return { key: lpKey, server: `${base}/lp/${groupId}`, ts: String(lpFirstTs + lpEvents.length) };
      case 'messages.send': {
        const peer = Number(p.peer_ids ?? p.peer_id ?? p.user_id);
        if (!Number.isInteger(peer) || peer === 0)
          throw Object.assign(new Error('One of the parameters specified was missing or invalid: peer_id'), {
            vk: 100,
          });
        if (p.random_id === undefined)
          throw Object.assign(
            new Error('One of the parameters specified was missing or invalid: random_id is a required parameter'),
            { vk: 100 },
          );
        if (!p.message && !p.attachment)
          throw Object.assign(new Error('Message text is empty or invalid'), { vk: 100 });
        if ([...(p.message ?? '')].length > maxLength)
          throw Object.assign(new Error('Message is too long'), { vk: 914 });
        if (denied.has(peer))
          throw Object.assign(new Error("Can't send messages for users without permission"), { vk: 901 });
        const key = `${peer}:${p.random_id}`;
        let m = byRandomId.get(key);
        if (!m) {
          m = {
            at: new Date().toISOString(),
            id: ++messageId,
            peerId: peer,
            conversationMessageId: nextCmid(peer),
            randomId: Number(p.random_id),
            text: p.message ?? '',
            ...(p.attachment ? { attachment: p.attachment } : {}),
            ...(p.keyboard ? { keyboard: JSON.parse(p.keyboard) as unknown } : {}),
            ...(p.template ? { template: JSON.parse(p.template) as unknown } : {}),
          };
          byRandomId.set(key, m);
          sent.push(m);
        }
        return p.peer_ids !== undefined
          ? [{ peer_id: peer, message_id: m.id, conversation_message_id: m.conversationMessageId }]
          : m.id;
      }
      case 'messages.sendMessageEventAnswer': {
        // only a press not yet answered can be answered (https://dev.vk.com/en/method/messages.sendMessageEventAnswer)
        const press = pendingPresses.get(p.event_id ?? '');
        if (!press || press.userId !== Number(p.user_id) || press.peerId !== Number(p.peer_id))
          throw Object.assign(new Error('One of the parameters specified was missing or invalid: event_id'), {
            vk: 100,
          });
        pendingPresses.delete(p.event_id ?? '');
        eventAnswers.push({ eventId: p.event_id ?? '', userId: Number(p.user_id), peerId: Number(p.peer_id) });
        return 1;
      }
      case 'users.get': {
        const ids = String(p.user_ids ?? '')
          .split(',')
          .map(Number)
          .filter((n) => Number.isInteger(n) && n > 0);
        if (ids.length === 0)
          throw Object.assign(new Error('One of the parameters specified was missing or invalid: user_ids'), {
            vk: 100,
          });
        const fields = new Set(String(p.fields ?? '').split(','));
        return ids.map((id) => {
          const u = users.get(id) ?? { firstName: 'Customer', lastName: String(id) };
          return {
            id,
            first_name: u.firstName,
            last_name: u.lastName,
            can_access_closed: true,
            is_closed: false,
            ...(fields.has('photo_200') && u.photo200 ? { photo_200: u.photo200 } : {}),
            ...(fields.has('screen_name') ? { screen_name: u.screenName ?? `id${id}` } : {}),
          };
        });
      }
      case 'messages.setActivity':
      case 'messages.markAsRead':
        return 1;
      case 'photos.getMessagesUploadServer':
        return { upload_url: `${base}/upload/photo`, album_id: -3, group_id: groupId };
      case 'docs.getMessagesUploadServer':
        return { upload_url: `${base}/upload/doc?type=${p.type ?? 'doc'}` };
      case 'photos.saveMessagesPhoto': {
        const parsed = JSON.parse(p.photo ?? 'null') as { id?: number } | null;
        if (!parsed?.id || !p.hash) throw Object.assign(new Error('photo is undefined'), { vk: 100 });
        return [{ id: parsed.id, owner_id: -groupId, album_id: -3, access_key: 'k1', sizes: [] }];
      }
      case 'docs.save': {
        const id = Number(String(p.file ?? '').split('|')[1]);
        if (!id) throw Object.assign(new Error('file is undefined'), { vk: 100 });
        return String(p.file).startsWith('audio_message')
          ? { type: 'audio_message', audio_message: { id, owner_id: -groupId } }
          : { type: 'doc', doc: { id, owner_id: -groupId } };
      }
      default:
        throw Object.assign(new Error('Unknown method passed'), { vk: 3 });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const base = `http://${req.headers.host ?? '127.0.0.1'}`;
    const raw = await readBody(req, 60 * 1024 * 1024);
    if (req.method === 'GET' && url.pathname.startsWith('/cdn/')) {
      const file = cdn.get(decodeURIComponent(url.pathname.slice(5)));
      if (!file) return respondRaw(res, 404, 'not found', { 'content-type': 'text/plain' });
      return respondRaw(res, 200, file.bytes, { 'content-type': file.mimeType });
    }
    if (url.pathname.startsWith('/upload/')) {
      const boundary = /boundary=([^;]+)/.exec(req.headers['content-type'] ?? '')?.[1];
      const form = boundary ? parseMultipart(raw, boundary.replace(/^"|"$/g, '')) : undefined;
      const file = form ? [...form.files.values()][0] : undefined;
      if (!file || file.data.length === 0) return respondJson(res, 200, { error: 'no file' });
      const id = ++messageId;
      if (url.pathname === '/upload/photo') {
        uploadedPhotos++;
        return respondJson(res, 200, {
          server: 1,
          photo: JSON.stringify({ id, size: file.data.length }),
          hash: randomBytes(8).toString('hex'),
        });
      }
      return respondJson(res, 200, {
        file: `${url.searchParams.get('type') ?? 'doc'}|${id}|${file.filename ?? 'file'}`,
      });
    }
    if (url.pathname.startsWith('/lp/')) {
      longPollChecks++;
      if (url.searchParams.get('key') !== lpKey) {
        longPollFailures.push(2);
        return respondJson(res, 200, { failed: 2 });
      }
      const ts = Number(url.searchParams.get('ts'));
      const last = lpFirstTs + lpEvents.length;
      if (!Number.isInteger(ts) || ts > last) return respondJson(res, 200, { failed: 1, ts: String(last) });
      const outdated = () => {
        const answer = lpPartlyLost ? { failed: 1, ts: String(lpFirstTs + lpEvents.length) } : { failed: 3 };
        longPollFailures.push(answer.failed);
        respondJson(res, 200, answer);
      };
      if (ts < lpFirstTs) return outdated();
      if (ts === last) {
        const wait = Math.min(90, Number(url.searchParams.get('wait') ?? 25)) * 1000;
        await new Promise<void>((resolve) => {
          const done = () => (clearTimeout(t), lpWaiters.delete(done), resolve());
          const t = setTimeout(done, wait);
          lpWaiters.add(done);
          req.once('close', done);
        });
      }
      if (ts < lpFirstTs) return outdated();
      const from = ts - lpFirstTs;
      const now = lpFirstTs + lpEvents.length;
      return respondJson(res, 200, { ts: String(now), updates: lpEvents.slice(from) });
    }
    const match = /^\/method\/([\w.]+)$/.exec(url.pathname);
    if (!match) return respondRaw(res, 404, 'not found', { 'content-type': 'text/plain' });
    const name = match[1] as string;
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    if (raw.length > 0 && /x-www-form-urlencoded/.test(req.headers['content-type'] ?? ''))
      Object.assign(params, Object.fromEntries(new URLSearchParams(raw.toString('utf8'))));
    const given = params.access_token ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    calls.push({
      method: name,
      params: Object.fromEntries(Object.entries(params).filter(([k]) => k !== 'access_token')),
    });
    if (!params.v) return vkError(res, 8, 'Invalid request: v (version) is required', params, name);
    if (given !== token) return vkError(res, 5, 'User authorization failed: invalid access_token (4).', params, name);
    const now = Date.now();
    while (window.length > 0 && (window[0] as number) <= now - 1000) window.shift();
    if (window.length >= perSecond) {
      tooManyRequests.push(name);
      return vkError(res, 6, 'Too many requests per second', params, name);
    }
    window.push(now);
    const fault = faults.get(name);
    if (fault) {
      faults.delete(name);
      return vkError(res, fault.code, fault.message, params, name);
    }
    try {
      const response = await method(name, params, base);
      if (lostAnswers.delete(name)) return respondRaw(res, 502, 'Bad Gateway', { 'content-type': 'text/html' });
      respondJson(res, 200, { response });
    } catch (error) {
      const code = (error as { vk?: number }).vk ?? 1;
      vkError(res, code, error instanceof Error ? error.message : 'Unknown error occurred', params, name);
    }
  }

  const listening = await listen(handle, {});
  baseUrl = listening.url;
  return {
    cdnFile(name, bytes, mimeType) {
      cdn.set(name, { bytes, mimeType });
      return `${baseUrl}/cdn/${encodeURIComponent(name)}`;
    },
    url: listening.url,
    groupId,
    token,
    confirmationCode,
    sent,
    calls,
    tooManyRequests,
    callbackAttempts: attempts,
    eventAnswers,
    get uploadedPhotos() {
      return uploadedPhotos;
    },
    callbackServers: () => servers.map((s) => ({ ...s, events: [...s.events] })),
    failNext: (m, code, message) =>
      faults.set(m, { code, message: message ?? (code === 9 ? 'Flood control' : `error ${code}`) }),
    loseAnswerOnce: (m) => lostAnswers.add(m),
    denyMessages: (u) => denied.add(u),
    customerMessages,
    createUser: (profile) => {
      const id = ++nextUser;
      users.set(id, {
        firstName: profile?.firstName ?? 'Customer',
        lastName: profile?.lastName ?? String(id),
        ...profile,
      });
      return id;
    },
    setUser: (id, profile) => void users.set(id, profile),
    customerMessage(userId, input) {
      const cmid = nextCmid(userId);
      customerMessages.push({
        at: new Date().toISOString(),
        userId,
        conversationMessageId: cmid,
        text: input.text ?? '',
      });
      const eventId = emit('message_new', {
        message: userMessage(userId, cmid, {
          text: input.text ?? '',
          attachments: input.attachments ?? [],
          ...(input.payload ? { payload: input.payload } : {}),
          ...(input.geo ? { geo: input.geo } : {}),
        }),
        client_info: {
          button_actions: ['text', 'callback', 'open_link'],
          keyboard: true,
          inline_keyboard: true,
          carousel: true,
          lang_id: 0,
        },
      });
      return { eventId, conversationMessageId: cmid };
    },
    customerEdit: (userId, cmid, text) =>
      emit('message_edit', { ...userMessage(userId, cmid, { text }), update_time: Math.floor(Date.now() / 1000) }),
    pressCallbackButton: (userId, payload, cmid) => {
      const pressId = randomBytes(6).toString('hex');
      pendingPresses.set(pressId, { userId, peerId: userId });
      return emit('message_event', {
        user_id: userId,
        peer_id: userId,
        event_id: pressId,
        payload,
        conversation_message_id: cmid ?? 0,
      });
    },
    allowMessages: (u) => (denied.delete(u), emit('message_allow', { user_id: u, key: '' })),
    deny: (u) => (denied.add(u), emit('message_deny', { user_id: u })),
    read: (u, cmid) =>
      emit('message_read', { from_id: u, peer_id: u, read_message_id: 0, conversation_message_id: cmid }),
    typing: (u) => emit('message_typing_state', { from_id: u, to_id: -groupId, state: 'typing' }),
    expireLongPollKey: () => {
      lpKey = randomBytes(16).toString('hex');
      for (const w of [...lpWaiters]) w();
    },
    longPollFailures,
    get longPollChecks() {
      return longPollChecks;
    },
    outdateLongPollHistory: () => {
      lpFirstTs += lpEvents.length + 100;
      lpEvents.length = 0;
      lpPartlyLost = true;
      for (const w of [...lpWaiters]) w();
    },
    loseLongPollHistory: () => {
      lpPartlyLost = false;
      lpFirstTs += lpEvents.length + 1000;
      lpEvents.length = 0;
      lpKey = randomBytes(16).toString('hex');
      for (const w of [...lpWaiters]) w();
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      for (const w of [...lpWaiters]) w();
      await listening.close();
    },
  };
}
