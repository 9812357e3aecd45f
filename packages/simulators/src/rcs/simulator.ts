// A Google RBM simulator (https://developers.google.com/business-communications/rcs-business-messaging/reference/rest):
// an OAuth token endpoint that checks the service-account JWT's RS256 signature against the key it issued
// (tokens expire; expiry is configurable), agentMessages with messageId idempotency, capabilities per number
// (some numbers are not RCS-capable: 404), revocation until delivered, agentEvents, and Pub/Sub-style signed user
// messages and events (X-Goog-Signature = base64 HMAC-SHA512(clientToken, decoded data)), retried on non-200;
// and the IAM API's read of the service-account key (its end, whether it is disabled).
import { createHmac, generateKeyPairSync, randomBytes, randomUUID, verify } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen } from '../http/listen.js';
import { readBody } from '../http/read-body.js';
import { respondJson, respondRaw } from '../http/respond.js';

export interface RcsSimulatorOptions {
  agentId?: string;
  clientToken?: string;
  /** seconds a token lives (tests use a few) */
  tokenLifetimeSeconds?: number;
  retryScale?: number;
  /** the key's end as IAM reports it (an organisation's key expiry policy); default never (9999-12-31T23:59:59Z) */
  keyValidBeforeTime?: string;
}

export interface RcsAgentMessage {
  phone: string;
  messageId: string;
  contentMessage: Record<string, unknown>;
  sendTime: string;
  state: 'SENT' | 'DELIVERED' | 'REVOKED';
}

export interface RcsSimulator {
  url: string;
  tokenUrl: string;
  agentId: string;
  clientToken: string;
  /** the service-account JSON the agent's owner downloads */
  serviceAccountKey: string;
  messages: RcsAgentMessage[];
  agentEvents: Array<{ phone: string; eventType: string }>;
  tokensIssued: number;
  /** creates calls in order, with their messageId (for idempotency checks) */
  createCalls: string[];
  notRcsCapable(phone: string): void;
  /** configures the webhook: the first-configuration request; resolves true when the secret came back */
  configureWebhook(url: string): Promise<boolean>;
  userText(phone: string, text: string): Promise<number>;
  userSuggestionResponse(phone: string, postbackData: string, text: string): Promise<number>;
  /** the user sends a file: held by the platform at a fileUri the agent downloads with its token */
  userFile(phone: string, file: { bytes: Buffer; mimeType: string; fileName: string }): Promise<number>;
  userLocation(phone: string, latitude: number, longitude: number): Promise<number>;
  userTyping(phone: string): Promise<number>;
  deliver(messageId: string): Promise<number>;
  /** the device received the message but its DELIVERED event is still on its way (not sent to the webhook) */
  deliverSilently(messageId: string): void;
  /** files RBM fetched from contentInfo.fileUrl when a message was created, with the status it got */
  fetchedFiles: Array<{ url: string; status: number; bytes: number }>;
  /** posts a signed body with a chosen signature (tampering tests); answers the status */
  postRaw(data: unknown, signature?: string): Promise<number>;
  revokeKey(): void;
  /** the key's end as IAM reports it (`validBeforeTime`); past it the token endpoint refuses the key */
  setKeyExpiry(validBeforeTime: string): void;
  /** disables the key (Cloud console → Service accounts → Keys): the token endpoint refuses it, IAM says `disabled` */
  disableKey(): void;
  /** the service account may not read its own keys (no iam.serviceAccountKeys.get): IAM answers 403 */
  denyKeyRead(): void;
  close(): Promise<void>;
}

const RBM_SCOPE = 'https://www.googleapis.com/auth/rcsbusinessmessaging';
/** scopes the IAM API accepts (https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts.keys/get#authorization-scopes) */
const IAM_SCOPES = ['https://www.googleapis.com/auth/cloud-platform', 'https://www.googleapis.com/auth/iam'];

export async function startRcsSimulator(options: RcsSimulatorOptions = {}): Promise<RcsSimulator> {
  const agentId = options.agentId ?? 'switchboard_sim_agent';
  const clientToken = options.clientToken ?? randomBytes(12).toString('hex');
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  let { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientEmail = `${agentId}@rbm-sim.iam.gserviceaccount.com`;
  const keyId = randomBytes(8).toString('hex');
  const tokens = new Map<string, number>();
  const tokenScopes = new Map<string, string>();
  const keyCreated = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  let keyValidBefore = options.keyValidBeforeTime ?? '9999-12-31T23:59:59Z';
  let keyDisabled = false;
  let keyReadable = true;
  const messages: RcsAgentMessage[] = [];
  const agentEvents: RcsSimulator['agentEvents'] = [];
  const createCalls: string[] = [];
  const fetchedFiles: RcsSimulator['fetchedFiles'] = [];
  const userFiles = new Map<string, { bytes: Buffer; mimeType: string }>();
  const notCapable = new Set<string>();
  let webhook: string | undefined;
  let tokensIssued = 0;
  let base = '';

  const googleError = (res: ServerResponse, code: number, status: string, message: string) =>
    respondJson(res, code, { error: { code, message, status } });

  /** checks the RS256 JWT assertion: our key (enabled, not past its end), our audience, not expired → its scope */
  function checkAssertion(jwt: string, audience: string): string | undefined {
    const [h, p, sig] = jwt.split('.');
    if (!h || !p || !sig) return undefined;
    if (keyDisabled || Date.parse(keyValidBefore) <= Date.now()) return undefined;
    const ok = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(sig, 'base64url'));
    if (!ok) return undefined;
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    const scope = typeof claims.scope === 'string' ? claims.scope : '';
    return claims.iss === clientEmail &&
      claims.aud === audience &&
      (scope === RBM_SCOPE || IAM_SCOPES.includes(scope)) &&
      typeof claims.exp === 'number' &&
      claims.exp > now
      ? scope
      : undefined;
  }

  async function post(body: unknown, signature?: string): Promise<number> {
    if (!webhook) throw new Error('no webhook configured');
    const res = await fetch(webhook, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature !== undefined ? { 'x-goog-signature': signature } : {}),
      },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    return res.status;
  }
  const sign = (data: Buffer) => createHmac('sha512', clientToken).update(data).digest('base64');
  /** one Pub/Sub push, retried a few times on non-200 (RBM backs off up to 600 s for 7 days; scaled down here) */
  async function publish(decoded: Record<string, unknown>): Promise<number> {
    const data = Buffer.from(JSON.stringify({ ...decoded, agentId, sendTime: new Date().toISOString() }));
    const body = {
      message: {
        data: data.toString('base64'),
        messageId: randomUUID(),
        publishTime: new Date().toISOString(),
        attributes: { product: 'RBM' },
      },
      subscription: `projects/rbm-sim/subscriptions/rbm-${agentId}`,
    };
    let status = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      status = await post(body, sign(data)).catch(() => 0);
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 200 * (options.retryScale ?? 1)));
    }
    return status;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const raw = await readBody(req, 10 * 1024 * 1024);
    if (url.pathname === '/token' && req.method === 'POST') {
      const form = new URLSearchParams(raw.toString('utf8'));
      const scope =
        form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer'
          ? checkAssertion(form.get('assertion') ?? '', `${base}/token`)
          : undefined;
      if (!scope) return respondJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
      const token = `ya29.${randomBytes(24).toString('hex')}`;
      tokens.set(token, Date.now() + lifetime * 1000);
      tokenScopes.set(token, scope);
      tokensIssued++;
      return respondJson(res, 200, { access_token: token, expires_in: lifetime, token_type: 'Bearer' });
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || (tokens.get(bearer) ?? 0) < Date.now())
      return googleError(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    // the IAM API's key read (https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts.keys/get);
    // `-` stands for the account's project
    const iam = /^\/v1\/projects\/([^/]+)\/serviceAccounts\/([^/]+)\/keys\/([^/]+)$/.exec(url.pathname);
    if (iam && req.method === 'GET') {
      if (!IAM_SCOPES.includes(tokenScopes.get(bearer) ?? ''))
        return googleError(res, 403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.');
      const [project, email, id] = iam.slice(1).map((x) => decodeURIComponent(x ?? ''));
      if (!keyReadable)
        return googleError(
          res,
          403,
          'PERMISSION_DENIED',
          `Permission 'iam.serviceAccountKeys.get' denied on resource (or it may not exist).`,
        );
      if ((project !== '-' && project !== 'rbm-sim') || email !== clientEmail || id !== keyId)
        return googleError(res, 404, 'NOT_FOUND', `Service account key ${id ?? ''} does not exist.`);
      return respondJson(res, 200, {
        name: `projects/rbm-sim/serviceAccounts/${clientEmail}/keys/${keyId}`,
        privateKeyType: 'TYPE_GOOGLE_CREDENTIALS_FILE',
        keyAlgorithm: 'KEY_ALG_RSA_2048',
        validAfterTime: keyCreated,
        validBeforeTime: keyValidBefore,
        keyOrigin: 'GOOGLE_PROVIDED',
        keyType: 'USER_MANAGED',
        ...(keyDisabled ? { disabled: true } : {}),
      });
    }
    // user files: downloadable with the agent's token (https://developers.google.com/business-communications/rcs-business-messaging/guides/build/receive#files)
    if (req.method === 'GET' && url.pathname.startsWith('/files/')) {
      const file = userFiles.get(url.pathname.slice(7));
      if (!file) return googleError(res, 404, 'NOT_FOUND', 'Requested entity was not found.');
      return respondRaw(res, 200, file.bytes, { 'content-type': file.mimeType });
    }
    if (url.searchParams.get('agentId') !== agentId)
      return googleError(res, 403, 'PERMISSION_DENIED', 'The caller does not have permission');
    const m = /^\/v1\/phones\/([^/]+)\/(capabilities|agentMessages|agentEvents)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) return respondRaw(res, 404, 'not found');
    const phone = decodeURIComponent(m[1] as string);
    const what = m[2];
    if (!/^\+[1-9]\d{6,14}$/.test(phone)) return googleError(res, 400, 'INVALID_ARGUMENT', 'Invalid phone number');
    if (what === 'capabilities') {
      if (notCapable.has(phone)) return googleError(res, 404, 'NOT_FOUND', 'Requested entity was not found.');
      return respondJson(res, 200, {
        rbmEnabled: true,
        features: ['RICHCARD_STANDALONE', 'RICHCARD_CAROUSEL', 'ACTION_OPEN_URL', 'ACTION_DIAL'],
      });
    }
    if (what === 'agentEvents') {
      const ev = JSON.parse(raw.toString('utf8') || '{}') as { eventType?: string };
      agentEvents.push({ phone, eventType: ev.eventType ?? '' });
      return respondJson(res, 200, {
        name: `phones/${phone}/agentEvents/${url.searchParams.get('eventId') ?? ''}`,
        eventType: ev.eventType,
      });
    }
    if (req.method === 'DELETE' && m[3]) {
      const msg = messages.find((x) => x.phone === phone && x.messageId === decodeURIComponent(m[3] as string));
      if (!msg || msg.state !== 'SENT') return googleError(res, 404, 'NOT_FOUND', 'Requested entity was not found.');
      msg.state = 'REVOKED';
      return respondJson(res, 200, {});
    }
    const messageId = url.searchParams.get('messageId') ?? '';
    createCalls.push(messageId);
    if (notCapable.has(phone)) return googleError(res, 404, 'NOT_FOUND', 'Requested entity was not found.');
    const body = JSON.parse(raw.toString('utf8') || '{}') as { contentMessage?: Record<string, unknown> };
    if (!body.contentMessage) return googleError(res, 400, 'INVALID_ARGUMENT', 'contentMessage is required');
    // the platform downloads a file sent by URL itself; one it cannot fetch is refused
    const fileUrl = (body.contentMessage.contentInfo as { fileUrl?: unknown } | undefined)?.fileUrl;
    if (typeof fileUrl === 'string' && !messages.some((x) => x.messageId === messageId)) {
      const got = await fetch(fileUrl, { signal: AbortSignal.timeout(5000) })
        .then(async (r) => ({ status: r.status, bytes: (await r.arrayBuffer()).byteLength }))
        .catch(() => ({ status: 0, bytes: 0 }));
      fetchedFiles.push({ url: fileUrl, ...got });
      if (got.status !== 200) return googleError(res, 400, 'INVALID_ARGUMENT', 'The file could not be fetched');
    }
    // the platform ignores a messageId already used by this agent
    let msg = messages.find((x) => x.messageId === messageId);
    if (!msg) {
      msg = {
        phone,
        messageId,
        contentMessage: body.contentMessage,
        sendTime: new Date().toISOString(),
        state: 'SENT',
      };
      messages.push(msg);
    }
    return respondJson(res, 200, {
      name: `phones/${phone}/agentMessages/${messageId}`,
      sendTime: msg.sendTime,
      contentMessage: msg.contentMessage,
    });
  }

  const listening = await listen(handle, {});
  base = listening.url;
  const keyJson = () =>
    JSON.stringify({
      type: 'service_account',
      project_id: 'rbm-sim',
      private_key_id: keyId,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: clientEmail,
      token_uri: `${base}/token`,
    });
  const serviceAccountKey = keyJson();
  return {
    url: base,
    tokenUrl: `${base}/token`,
    agentId,
    clientToken,
    serviceAccountKey,
    messages,
    agentEvents,
    createCalls,
    get tokensIssued() {
      return tokensIssued;
    },
    notRcsCapable: (p) => notCapable.add(p),
    async configureWebhook(u) {
      webhook = u;
      const secret = randomBytes(8).toString('hex');
      const res = await fetch(u, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientToken, secret }),
      });
      return res.status === 200 && (await res.text()) === secret;
    },
    userText: (phone, text) => publish({ senderPhoneNumber: phone, messageId: randomUUID(), text }),
    userSuggestionResponse: (phone, postbackData, text) =>
      publish({
        senderPhoneNumber: phone,
        messageId: randomUUID(),
        suggestionResponse: { postbackData, text, type: 'REPLY' },
      }),
    userFile(phone, file) {
      const id = randomBytes(8).toString('hex');
      userFiles.set(id, { bytes: file.bytes, mimeType: file.mimeType });
      return publish({
        senderPhoneNumber: phone,
        messageId: randomUUID(),
        userFile: {
          payload: {
            mimeType: file.mimeType,
            fileSizeBytes: file.bytes.length,
            fileUri: `${base}/files/${id}`,
            fileName: file.fileName,
          },
        },
      });
    },
    userLocation: (phone, latitude, longitude) =>
      publish({ senderPhoneNumber: phone, messageId: randomUUID(), location: { latitude, longitude } }),
    userTyping: (phone) =>
      publish({ senderPhoneNumber: phone, eventType: 'IS_TYPING', eventId: randomUUID(), messageId: randomUUID() }),
    async deliver(messageId) {
      const msg = messages.find((x) => x.messageId === messageId);
      if (!msg) throw new Error(`no message ${messageId}`);
      // a revoked message never reaches the device
      if (msg.state === 'REVOKED') throw new Error(`message ${messageId} was revoked`);
      msg.state = 'DELIVERED';
      return publish({ senderPhoneNumber: msg.phone, eventType: 'DELIVERED', eventId: randomUUID(), messageId });
    },
    deliverSilently(messageId) {
      const msg = messages.find((x) => x.messageId === messageId);
      if (!msg || msg.state === 'REVOKED') throw new Error(`no deliverable message ${messageId}`);
      msg.state = 'DELIVERED';
    },
    fetchedFiles,
    postRaw(data, signature) {
      const bytes = Buffer.from(JSON.stringify(data));
      return post(
        {
          message: { data: bytes.toString('base64'), messageId: randomUUID(), publishTime: new Date().toISOString() },
          subscription: 's',
        },
        signature ?? sign(bytes),
      );
    },
    revokeKey() {
      ({ publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 }));
    },
    setKeyExpiry(validBeforeTime) {
      keyValidBefore = validBeforeTime;
    },
    disableKey() {
      keyDisabled = true;
    },
    denyKeyRead() {
      keyReadable = false;
    },
    close: () => listening.close(),
  };
}
