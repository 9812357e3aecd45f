/**
 * @module channel-kit/contract
 * runConnectorContract(): the one suite every connector passes. It registers vitest tests:
 * signatures fail closed (missing, tampered, wrong secret), parse is deterministic and yields schema-valid
 * events, the request as stored with its raw event parses the same and holds no credential, unknown updates are
 * `ignored`, provider 401/429/5xx map to AUTH / RATE_LIMITED / UNAVAILABLE, and no
 * secret ever appears in a log line, an error or a verdict.
 */
import { describe, expect, it } from 'vitest';
import { InboundEventSchema, type ContentType, type InboundMessageEvent } from '../model/index.js';
import {
  listenedRequest,
  type AnyConnector,
  type BaseContext,
  type ContentOf,
  type HttpClient,
  type ListenedUpdate,
  type OutboundMessage,
  type WebhookRequest,
} from './connector.js';
import { secretFieldNames } from './config-schema.js';
import { isChannelError } from './errors.js';
import { runFuzzContract, runListenFuzzContract, type FuzzFixtures, type ListenFuzzFixtures } from './contract-fuzz.js';
import { matchConsentKeyword, optOutRulesFor } from './opt-out.js';
import { storedBody, storedHeaders } from './stored-request.js';

/** the values of a JSON body's declared credential fields, as received */
function bodyCredentials(raw: Buffer, fields: readonly string[]): unknown[] {
  try {
    const json = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    return fields.map((f) => json?.[f]);
  } catch {
    return [];
  }
}

export interface ProviderResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/** the optional abilities of a connector (ConnectorFeatures), by the name the contract knows them */
export const FEATURE_NAMES = [
  'typing',
  'fetchMedia',
  'readReceipts',
  'templates',
  'senders',
  'visitors',
  'optOut',
  'health',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
/** abilities few channels have: fixtures are required when present, no reason is asked when absent */
export const OPTIONAL_FEATURE_NAMES = [
  'buttonAnswers',
  'profile',
  'revoke',
  'fallback',
  'internalNotes',
  'resolved',
  'calls',
  'testEvent',
] as const;
/**
 * `check` ("Test connection") logs in to the provider's own servers (mail: IMAP and SMTP), not over HTTP, so no
 * provider answers can stand in for it: the channel proves it against real servers in its own tests
 * (channels/email/email.e2e.test.ts and email.browser.test.ts against Dovecot)
 */

export interface FeatureFixtures {
  typing?: { to: string; success: ProviderResponse[]; auth: ProviderResponse };
  fetchMedia?: {
    media: { providerMediaId: string; mimeType?: string };
    success: ProviderResponse[];
    auth: ProviderResponse;
  };
  readReceipts?: {
    message: { providerMessageId: string; from: string };
    success: ProviderResponse[];
    auth: ProviderResponse;
  };
  templates?: { success: ProviderResponse[]; auth: ProviderResponse };
  /** a customer address whose profile the provider answers (profile fields first, then the picture's bytes) */
  profile?: { address: string; success: ProviderResponse[]; auth: ProviderResponse };
  /** what senders(config) must answer for the contract config */
  senders?: { expect: string[] };
  /** a visitor id to issue a session token for */
  visitors?: { visitorId: string };
  /**
   * a customer's one-word text message as the provider sends it (signed, for webhook connectors), on which the
   * connection's own keywords are tried
   */
  optOut?: { message: WebhookRequest } | { update: ListenedUpdate };
  /**
   * provider answers for a connection in order (`healthy`) and for one the provider reports a problem with
   * (`warning`, e.g. the webhook registered elsewhere), with a word the warning's detail must contain
   */
  health?: {
    healthy: ProviderResponse[];
    warning: { answers: ProviderResponse[]; mentions: string };
    auth: ProviderResponse;
  };
  /** the provider's answers to a test event request (its test facility), and a rejected credential */
  testEvent?: { success: ProviderResponse[]; auth: ProviderResponse };
  /** a stored button press the provider waits an answer for */
  buttonAnswers?: { event: InboundMessageEvent; success: ProviderResponse[]; auth: ProviderResponse };
  /** a call to place: the provider's answer to the create (its call id), and a rejected credential */
  calls?: { input: { to: string; greeting?: string }; success: ProviderResponse[]; auth: ProviderResponse };
  /** a sent message to take back */
  revoke?: { message: { to: string; providerMessageId: string }; success: ProviderResponse[]; auth: ProviderResponse };
  /** what fallback.connectionId / afterMs answer for the contract config */
  fallback?: { connectionId: string | undefined; afterMs: number | undefined };
  /**
   * a message the send fixture's way, queued as an internal note: some request body carries `mentions` (Intercom:
   * `"message_type":"note"`) and the same message not as a note carries none
   */
  internalNotes?: {
    message: OutboundMessage;
    answers: { note: ProviderResponse; message: ProviderResponse };
    mentions: string;
  };
  /** a conversation resolved here, told to the provider's inbox */
  resolved?: {
    conversation: { threadKey: string | null; address: string };
    success: ProviderResponse[];
    auth: ProviderResponse;
  };
}

const hasFeature = (connector: AnyConnector, name: FeatureName): boolean => connector.features[name] !== undefined;

/** answers in order; the last one repeats */
function sequenceHttp(responses: ProviderResponse[], seen: string[]): HttpClient {
  let i = 0;
  return (url, init) => {
    seen.push(`${init?.method ?? 'GET'} ${url}`);
    const r = responses[Math.min(i++, responses.length - 1)] as ProviderResponse;
    return Promise.resolve(
      new Response(r.body, { status: r.status, headers: r.headers ?? { 'content-type': 'application/json' } }),
    );
  };
}

export interface ContractFixtures<Config extends Record<string, unknown>> {
  /** a valid config, secrets included */
  config: Config;
  /** the same config with different secret values: must not verify requests signed for `config` */
  otherSecretConfig: Config;
  /** webhook connectors: correctly signed provider requests (real payload shapes, with a note of their source) */
  requests?: Array<{ name: string; request: WebhookRequest; expect: 'events' | 'handshake' | 'ignored' }>;
  /** webhook connectors: a correctly signed update of a kind the connector does not model */
  unknownUpdate?: WebhookRequest;
  /** webhook connectors: the request without its signature/credential */
  stripSignature?(request: WebhookRequest): WebhookRequest;
  /** listen connectors (required for them): updates as the listener hands them to the hub, and their fuzzing */
  listen?: {
    updates: Array<{ name: string; update: ListenedUpdate; expect: 'events' | 'ignored' }>;
    /** an update of a kind the connector does not model */
    unknownUpdate: ListenedUpdate;
    fuzz: ListenFuzzFixtures;
  };
  /** the request altered after signing (default: the last body byte flipped) */
  tamper?(request: WebhookRequest): WebhookRequest;
  /** provider answers for each feature the connector has (answers are served in order, the last one repeats) */
  features?: FeatureFixtures;
  /** for each feature the connector lacks: why (the contract asks, so an absence is a decision, not an oversight) */
  absentFeatures?: Partial<Record<FeatureName, string>>;
  /** the property-based half of the contract (contract-fuzz.ts); required for webhook connectors */
  fuzz?: FuzzFixtures;
  /** provider answers for send(); absent for channels without a provider API (webchat) */
  send?: {
    message: OutboundMessage;
    success: ProviderResponse;
    auth: ProviderResponse;
    rateLimited: ProviderResponse;
    unavailable: ProviderResponse;
  };
}

function flipLastByte(request: WebhookRequest): WebhookRequest {
  const body = Buffer.from(request.rawBody);
  if (body.length > 0) body[body.length - 1] = (body[body.length - 1] as number) ^ 0x01;
  return { ...request, rawBody: body };
}

function capture(): { log: BaseContext<unknown>['log']; lines: string[] } {
  const lines: string[] = [];
  const push = (msg: string, fields?: Record<string, unknown>) => lines.push(`${msg} ${JSON.stringify(fields ?? {})}`);
  return { lines, log: { debug: push, info: push, warn: push, error: push } };
}

function fakeHttp(response: ProviderResponse, seen: string[]): HttpClient {
  return (url, init) => {
    seen.push(`${init?.method ?? 'GET'} ${url}`);
    return Promise.resolve(
      new Response(response.body, {
        status: response.status,
        headers: response.headers ?? { 'content-type': 'application/json' },
      }),
    );
  };
}

/** one valid content of every type: what a connector's send map lacks must be refused before any provider call */
const SAMPLE_CONTENT: { [T in ContentType]: ContentOf<T> } = {
  text: { type: 'text', text: 'hello' },
  image: { type: 'image', media: { url: '/media/att_contract/key', mimeType: 'image/png' } },
  audio: { type: 'audio', media: { url: '/media/att_contract/key', mimeType: 'audio/ogg' } },
  video: { type: 'video', media: { url: '/media/att_contract/key', mimeType: 'video/mp4' } },
  document: { type: 'document', media: { url: '/media/att_contract/key', mimeType: 'application/pdf' } },
  sticker: { type: 'sticker', media: { url: '/media/att_contract/key', mimeType: 'image/webp' } },
  location: { type: 'location', location: { latitude: 52.5, longitude: 13.4 } },
  contact: { type: 'contact', contacts: [{ name: 'Ana', phones: ['+15550100'], emails: [] }] },
  interactive: {
    type: 'interactive',
    interactive: { kind: 'buttons', text: 'Pick', buttons: [{ id: 'a', title: 'A' }] },
  },
  reaction: { type: 'reaction', reaction: { emoji: '👍', targetProviderMessageId: 'p1' } },
  template: { type: 'template', template: { name: 'hello', language: 'en', variables: {} } },
  cards: { type: 'cards', cards: [{ title: 'A card', buttons: [] }] },
};

export function runConnectorContract<Config extends Record<string, unknown>>(
  connector: AnyConnector,
  fixtures: ContractFixtures<Config>,
): void {
  const inbound = connector.inbound;
  const secrets = secretFieldNames(connector.configSchema)
    .flatMap((name) => [fixtures.config[name], fixtures.otherSecretConfig[name]])
    .filter((v): v is string => typeof v === 'string' && v.length > 0);
  const tamper = fixtures.tamper ?? flipLastByte;
  const leaks = (text: string) => secrets.filter((s) => text.includes(s));

  type WebhookInbound = Extract<AnyConnector['inbound'], { mode: 'webhook' }>;
  type ListenInbound = Extract<AnyConnector['inbound'], { mode: 'listen' }>;

  const webhookContract = (inbound: WebhookInbound) => {
    it('brings webhook fixtures and fuzz fixtures: every webhook connector runs the property-based contract', () => {
      expect(fixtures.requests?.length, 'pass `requests` to runConnectorContract').toBeGreaterThan(0);
      expect(fixtures.unknownUpdate, 'pass `unknownUpdate`').toBeDefined();
      expect(fixtures.stripSignature, 'pass `stripSignature`').toBeDefined();
      expect(fixtures.fuzz, 'pass `fuzz` to runConnectorContract').toBeDefined();
    });
    if (fixtures.fuzz) runFuzzContract(connector, fixtures.fuzz);

    for (const { name, request, expect: kind } of fixtures.requests ?? []) {
      describe(name, () => {
        it('verifies when correctly signed', () => {
          expect(inbound.verify(request, fixtures.config)).toEqual({ ok: true });
        });
        it(`parses deterministically into ${kind}`, () => {
          const a = inbound.parse(request, fixtures.config);
          const b = inbound.parse(request, fixtures.config);
          expect(b).toEqual(a);
          expect(a.kind).toBe(kind);
          if (a.kind === 'events') {
            expect(a.events.length).toBeGreaterThan(0);
            for (const e of a.events) expect(() => InboundEventSchema.parse(e)).not.toThrow();
          }
        });
        if (kind !== 'handshake') {
          // the processor re-parses the stored raw event, not the live request (core/inbound/inbound-processor)
          it('parses the same as stored with its raw event, which holds no credential', () => {
            const spec = inbound.storedHeaders;
            const stored = {
              ...request,
              headers: storedHeaders(request.headers, spec),
              rawBody: storedBody(request.rawBody, inbound.storedBody),
            };
            expect(inbound.parse(stored, fixtures.config)).toEqual(inbound.parse(request, fixtures.config));
            const credentials = [
              ...(spec?.digest ?? []).map((h) => request.headers[h]),
              ...bodyCredentials(request.rawBody, inbound.storedBody?.digestJsonFields ?? []),
            ].filter((v): v is string => typeof v === 'string' && v.length > 0);
            const text = JSON.stringify(stored.headers) + stored.rawBody.toString('latin1');
            expect([...leaks(text), ...credentials.filter((c) => text.includes(c))]).toEqual([]);
            for (const name of spec?.keep ?? []) expect(spec?.digest ?? []).not.toContain(name);
          });
          it('rejects the request without its signature', () => {
            const strip = fixtures.stripSignature ?? ((r: WebhookRequest) => r);
            const v = inbound.verify(strip(request), fixtures.config);
            expect(v.ok).toBe(false);
            if (!v.ok) expect([401, 403]).toContain(v.status);
          });
          it('rejects the request when tampered', () => {
            expect(inbound.verify(tamper(request), fixtures.config).ok).toBe(false);
          });
          it('rejects the request against another secret', () => {
            const v = inbound.verify(request, fixtures.otherSecretConfig);
            expect(v.ok).toBe(false);
            if (!v.ok) expect(leaks(v.reason)).toEqual([]);
          });
        }
      });
    }

    it('fails closed on garbage without throwing', () => {
      const garbage: WebhookRequest = {
        method: 'POST',
        url: 'http://localhost/webhooks/x',
        headers: {},
        query: {},
        rawBody: Buffer.from('\u0000not json'),
      };
      expect(inbound.verify(garbage, fixtures.config).ok).toBe(false);
      expect(() => inbound.parse(garbage, fixtures.config)).not.toThrow();
    });

    const unknown = fixtures.unknownUpdate;
    if (unknown)
      it('answers an unknown update with ignored, not an error', () => {
        expect(inbound.verify(unknown, fixtures.config)).toEqual({ ok: true });
        expect(inbound.parse(unknown, fixtures.config).kind).toBe('ignored');
      });
  };

  const listenContract = (inbound: ListenInbound) => {
    const listen = fixtures.listen;
    it('brings listen fixtures: every listen connector runs parse on documented updates and their mutations', () => {
      expect(listen?.updates.length, 'pass `listen` to runConnectorContract').toBeGreaterThan(0);
    });
    if (!listen) return;
    runListenFuzzContract(connector, listen.fuzz);
    const request = (update: ListenedUpdate) => listenedRequest(connector.type, update);
    for (const { name, update, expect: kind } of listen.updates)
      it(`${name}: parses deterministically into ${kind}, with a stable event key`, () => {
        const a = inbound.parse(request(update), fixtures.config);
        expect(inbound.parse(request(update), fixtures.config)).toEqual(a);
        expect(a.kind).toBe(kind);
        if (a.kind === 'events') {
          expect(a.events.length).toBeGreaterThan(0);
          for (const e of a.events) expect(() => InboundEventSchema.parse(e)).not.toThrow();
        }
        const key = inbound.eventKey?.(request(update));
        expect(inbound.eventKey?.(request(update))).toBe(key);
        expect(leaks(JSON.stringify(a))).toEqual([]);
      });
    it('answers an unknown update with ignored, and garbage without throwing', () => {
      expect(inbound.parse(request(listen.unknownUpdate), fixtures.config).kind).toBe('ignored');
      expect(() => inbound.parse(request({ body: Buffer.from('\u0000not json') }), fixtures.config)).not.toThrow();
    });
  };

  describe(`connector contract: ${connector.type}`, () => {
    it('refuses content outside its send map as UNSUPPORTED, without calling the provider', async () => {
      const missing = (Object.keys(SAMPLE_CONTENT) as ContentType[]).filter(
        (t) => !connector.capabilities.outbound.includes(t),
      );
      for (const type of missing) {
        const calls: string[] = [];
        const error = await connector
          .send(
            { id: 'msg_contract', conversationId: 'conv_contract', to: 'someone', content: SAMPLE_CONTENT[type] },
            {
              connectionId: 'conn_contract',
              config: fixtures.config,
              webhookUrl: 'http://localhost/webhooks/conn_contract',
              http: fakeHttp({ status: 200, body: '{}' }, calls),
              log: capture().log,
              signal: new AbortController().signal,
              media: { read: () => Promise.resolve({ bytes: Buffer.from('x'), mimeType: 'text/plain' }) },
            },
          )
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(isChannelError(error) && error.code, type).toBe('UNSUPPORTED');
        expect(calls, type).toEqual([]);
      }
    });

    describe('features', () => {
      const base = (http: HttpClient, log = capture()) => ({
        connectionId: 'conn_contract',
        config: fixtures.config,
        webhookUrl: 'http://localhost/webhooks/conn_contract',
        http,
        log: log.log,
        signal: new AbortController().signal,
      });
      const noMedia = { read: () => Promise.resolve({ bytes: Buffer.from('x'), mimeType: 'text/plain' }) };
      it('has fixtures for each feature it holds, and a reason for each it lacks', () => {
        for (const name of FEATURE_NAMES) {
          if (hasFeature(connector, name)) expect(fixtures.features?.[name], `fixtures for ${name}`).toBeDefined();
          else expect(fixtures.absentFeatures?.[name], `why ${connector.type} has no ${name}`).toMatch(/\w{3,}/);
        }
        for (const name of OPTIONAL_FEATURE_NAMES)
          if (connector.features[name] !== undefined)
            expect(fixtures.features?.[name], `fixtures for ${name}`).toBeDefined();
      });
      const authFails = async (
        call: (http: HttpClient, log: ReturnType<typeof capture>) => Promise<unknown>,
        auth: ProviderResponse,
      ) => {
        const log = capture();
        const error = await call(sequenceHttp([auth], []), log).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isChannelError(error) && error.code).toBe('AUTH');
        expect(leaks(`${String((error as Error).message)} ${log.lines.join('\n')}`)).toEqual([]);
      };
      const f = fixtures.features ?? {};
      if (connector.features.typing && f.typing) {
        const { to, success, auth } = f.typing;
        const typing = connector.features.typing.bind(connector);
        it('typing: shows the indicator, and a rejected credential is AUTH', async () => {
          await typing(to, base(sequenceHttp(success, [])));
          if (success.length > 0) await authFails((http, log) => typing(to, base(http, log)), auth);
        });
      }
      if (connector.features.fetchMedia && f.fetchMedia) {
        const { media, success, auth } = f.fetchMedia;
        const fetchMedia = connector.features.fetchMedia.bind(connector);
        it('fetchMedia: downloads the bytes with a type, and a rejected credential is AUTH', async () => {
          const seen: string[] = [];
          const file = await fetchMedia(media, base(sequenceHttp(success, seen)));
          expect(file.bytes.length).toBeGreaterThan(0);
          expect(file.mimeType).toMatch(/^[\w.+-]+\/[\w.+-]+/);
          expect(seen.length).toBeGreaterThan(0);
          await authFails((http, log) => fetchMedia(media, base(http, log)), auth);
        });
      }
      if (connector.features.readReceipts && f.readReceipts) {
        const { message, success, auth } = f.readReceipts;
        const markRead = connector.features.readReceipts.bind(connector);
        it('readReceipts: tells the provider, and a rejected credential is AUTH', async () => {
          const seen: string[] = [];
          await markRead(message, base(sequenceHttp(success, seen)));
          expect(seen.length).toBeGreaterThan(0);
          await authFails((http, log) => markRead(message, base(http, log)), auth);
        });
      }
      if (connector.features.templates && f.templates) {
        const { success, auth } = f.templates;
        const templates = connector.features.templates;
        const sync = (ctx: Parameters<typeof templates.sync>[0]) => templates.sync(ctx);
        it('templates: lists the provider templates with their variables, and a rejected credential is AUTH', async () => {
          const list = await sync(base(sequenceHttp(success, [])));
          expect(list.length).toBeGreaterThan(0);
          for (const t of list) {
            expect(t.name.length * t.language.length * t.status.length).toBeGreaterThan(0);
            expect(Array.isArray(t.variables)).toBe(true);
          }
          await authFails((http, log) => sync(base(http, log)), auth);
        });
      }
      // profiles are optional and not in FEATURE_NAMES (no reason asked of channels without one), but a connector
      // that looks profiles up must show how
      if (connector.features.profile) {
        const profile = connector.features.profile.bind(connector);
        it('profile: names the customer, and a rejected credential is AUTH', async () => {
          expect(f.profile, 'fixtures for profile').toBeDefined();
          if (!f.profile) return;
          const { address, success, auth } = f.profile;
          const seen: string[] = [];
          const found = await profile(address, base(sequenceHttp(success, seen)));
          expect(found.name ?? Object.values(found.attributes ?? {})[0]).toMatch(/\S/);
          expect(seen.length).toBeGreaterThan(0);
          expect(leaks(JSON.stringify({ ...found, picture: undefined }))).toEqual([]);
          await authFails((http, log) => profile(address, base(http, log)), auth);
        });
      }
      if (connector.features.buttonAnswers && f.buttonAnswers) {
        const { event, success, auth } = f.buttonAnswers;
        const answer = connector.features.buttonAnswers.bind(connector);
        it('buttonAnswers: answers the press at the provider, and a rejected credential is AUTH', async () => {
          const seen: string[] = [];
          await answer(event, base(sequenceHttp(success, seen)));
          expect(seen.length).toBeGreaterThan(0);
          await authFails((http, log) => answer(event, base(http, log)), auth);
        });
      }
      if (connector.features.revoke && f.revoke) {
        const { message, success, auth } = f.revoke;
        const revoke = connector.features.revoke.bind(connector);
        it('revoke: takes the message back at the provider, and a rejected credential is AUTH', async () => {
          const seen: string[] = [];
          await revoke(message, base(sequenceHttp(success, seen)));
          expect(seen.length).toBeGreaterThan(0);
          await authFails((http, log) => revoke(message, base(http, log)), auth);
        });
      }
      if (connector.features.fallback && f.fallback) {
        const { fallback } = connector.features;
        const want = f.fallback;
        it('fallback: names the fallback connection and its delay from the config; a timed one can revoke', () => {
          expect(fallback.connectionId(fixtures.config)).toBe(want.connectionId);
          const after = fallback.afterMs?.(fixtures.config);
          expect(after).toBe(want.afterMs);
          // a timed fallback takes the undelivered message back first, so the customer never gets it twice
          if (after !== undefined) {
            expect(after).toBeGreaterThan(0);
            expect(connector.features.revoke, 'a timed fallback needs revoke').toBeDefined();
          }
        });
      }
      if (connector.features.internalNotes && f.internalNotes) {
        const { message, answers, mentions } = f.internalNotes;
        it('internalNotes: a note goes to the provider as a note, a message not as one', async () => {
          const bodies = async (internalNote: boolean) => {
            const sent: string[] = [];
            const success = internalNote ? answers.note : answers.message;
            const http: HttpClient = (_url, init) => {
              sent.push(typeof init?.body === 'string' ? init.body : String(init?.body ?? ''));
              return Promise.resolve(
                new Response(success.body, {
                  status: success.status,
                  headers: success.headers ?? { 'content-type': 'application/json' },
                }),
              );
            };
            await connector.send({ ...message, internalNote }, { ...base(http), media: noMedia });
            return sent.join('\n');
          };
          expect(await bodies(true)).toContain(mentions);
          expect(await bodies(false)).not.toContain(mentions);
        });
      }
      if (connector.features.resolved && f.resolved) {
        const { conversation, success, auth } = f.resolved;
        const resolved = connector.features.resolved.bind(connector);
        it("resolved: tells the provider's inbox, and a rejected credential is AUTH", async () => {
          const seen: string[] = [];
          await resolved(conversation, base(sequenceHttp(success, seen)));
          expect(seen.length).toBeGreaterThan(0);
          await authFails((http, log) => resolved(conversation, base(http, log)), auth);
        });
      }
      if (connector.features.calls && f.calls) {
        const { input, success, auth } = f.calls;
        const calls = connector.features.calls;
        const place = (ctx: Parameters<typeof calls.place>[1]) => calls.place(input, ctx);
        it('calls: places a call from one of our numbers with the provider call id, and a rejected credential is AUTH', async () => {
          const seen: string[] = [];
          const placed = await place(base(sequenceHttp(success, seen)));
          expect(placed.providerCallId).toMatch(/\S/);
          expect(placed.to).toBe(input.to);
          expect(placed.from).toMatch(/\S/);
          expect(seen.some((s) => s.startsWith('POST '))).toBe(true);
          await authFails((http, log) => place(base(http, log)), auth);
        });
      }
      if (connector.features.senders && f.senders) {
        const { expect: want } = f.senders;
        const senders = connector.features.senders.bind(connector);
        it('senders: names the sender addresses of the connection', () => {
          expect(senders(fixtures.config)).toEqual(want);
        });
      }
      if (connector.features.health && f.health) {
        const { healthy, warning, auth } = f.health;
        const check = connector.features.health;
        const health = (ctx: Parameters<typeof check>[0]) =>
          check.call(connector.features, ctx, { now: new Date(), expiryWarningDays: [14, 3] });
        const worst = (checks: Array<{ state: string }>) =>
          (['failing', 'warning', 'healthy'] as const).find((s) => checks.some((c) => c.state === s));
        it('health: names each check with a state and a detail, reports a problem in words, and a rejected credential is AUTH', async () => {
          const seen: string[] = [];
          const good = await health(base(sequenceHttp(healthy, seen)));
          expect(seen.length).toBeGreaterThan(0);
          expect(good.length).toBeGreaterThan(0);
          for (const c of good) {
            expect(c.name).toMatch(/^[a-z][a-z_]*$/);
            expect(['healthy', 'warning', 'failing']).toContain(c.state);
            expect(c.detail.length).toBeGreaterThan(0);
          }
          expect(worst(good)).toBe('healthy');
          const bad = await health(base(sequenceHttp(warning.answers, [])));
          expect(worst(bad)).toBe('warning');
          expect(bad.map((c) => c.detail).join('\n')).toContain(warning.mentions);
          expect(leaks(JSON.stringify([good, bad]))).toEqual([]);
          await authFails((http, log) => health(base(http, log)), auth);
        });
      }
      if (connector.features.testEvent && f.testEvent) {
        const { success, auth } = f.testEvent;
        const testEvent = connector.features.testEvent.bind(connector.features);
        it('testEvent: asks the provider for a test inbound and says what it answered; a rejected credential is AUTH', async () => {
          const seen: string[] = [];
          const answer = await testEvent(base(sequenceHttp(success, seen)));
          expect(seen.length).toBeGreaterThan(0);
          expect(answer.detail.length).toBeGreaterThan(0);
          expect(leaks(answer.detail)).toEqual([]);
          await authFails((http, log) => testEvent(base(http, log)), auth);
        });
      }
      if (connector.features.visitors && f.visitors) {
        const { visitorId } = f.visitors;
        const visitors = connector.features.visitors;
        it('visitors: a session token names its visitor, and only for the secret it was issued with', () => {
          const token = visitors.issue(fixtures.config, visitorId);
          expect(visitors.check(fixtures.config, token)).toBe(visitorId);
          expect(visitors.check(fixtures.otherSecretConfig, token)).toBeUndefined();
          expect(visitors.check(fixtures.config, `${token}x`)).toBeUndefined();
          expect(leaks(token)).toEqual([]);
        });
      }
    });

    const optOutFixture = fixtures.features?.optOut;
    const optOut = connector.features.optOut;
    if (optOut && optOutFixture)
      it('optOut: a connection sets its own keywords in its config, matched on the text the customer wrote', () => {
        const request =
          'message' in optOutFixture ? optOutFixture.message : listenedRequest(connector.type, optOutFixture.update);
        if (inbound.mode === 'webhook') expect(inbound.verify(request, fixtures.config)).toEqual({ ok: true });
        const parsed = inbound.parse(request, fixtures.config);
        const texts =
          parsed.kind === 'events'
            ? parsed.events.flatMap((e) => (e.kind === 'message' && e.content.type === 'text' ? [e.content.text] : []))
            : [];
        expect(texts, 'the fixture is one text message of one word').toHaveLength(1);
        const said = texts[0] as string;
        expect(said.trim()).toMatch(/^\S+$/);
        const own = { enabled: true, keywords: [said.trim().toLowerCase()], optInKeywords: ['BACKAGAIN'] };
        const withOwn = connector.configSchema.safeParse({ ...fixtures.config, optOut: own });
        expect(withOwn.success, 'the config schema carries the optOut field (optOutField())').toBe(true);
        const rules = optOutRulesFor(connector, withOwn.data as Record<string, unknown>);
        expect(rules?.keywords).toEqual(own.keywords);
        expect(rules && matchConsentKeyword(rules, said)).toEqual({
          kind: 'opt_out',
          keyword: said.trim().toUpperCase(),
        });
        const off = connector.configSchema.parse({ ...fixtures.config, optOut: { enabled: false } });
        expect(optOutRulesFor(connector, off as Record<string, unknown>)).toBeUndefined();
        expect(
          connector.configSchema.safeParse({ ...fixtures.config, optOut: { keywords: ['two words'] } }).success,
        ).toBe(false);
        const defaults = optOut.defaults;
        if (!defaults) {
          expect(optOutRulesFor(connector, { ...fixtures.config, optOut: undefined })).toBeUndefined();
          return;
        }
        // the defaults are in force on a connection that sets nothing, and no word means two things
        const unset = optOutRulesFor(connector, { ...fixtures.config, optOut: undefined });
        expect(unset?.keywords).toEqual(defaults.keywords);
        const words = [...defaults.keywords, ...defaults.optInKeywords, ...(defaults.helpKeywords ?? [])].map((k) =>
          k.toUpperCase(),
        );
        expect(new Set(words).size).toBe(words.length);
        for (const k of words) expect(k).toMatch(/^\S+$/);
      });

    it('declares what it is as data', () => {
      expect(connector.type).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(connector.displayName.length).toBeGreaterThan(0);
      expect(connector.capabilities.outbound.length).toBeGreaterThan(0);
      expect(connector.configSchema.safeParse(fixtures.config).success).toBe(true);
    });

    if (inbound.mode === 'webhook') webhookContract(inbound);
    else listenContract(inbound);

    const send = fixtures.send;
    if (!send) return;
    const ctx = (response: ProviderResponse, lines: string[], log = capture()) => {
      lines.push(...log.lines);
      return {
        connectionId: 'conn_contract',
        config: fixtures.config,
        webhookUrl: 'http://localhost/webhooks/conn_contract',
        http: fakeHttp(response, []),
        log: log.log,
        signal: new AbortController().signal,
        media: { read: () => Promise.resolve({ bytes: Buffer.from('x'), mimeType: 'text/plain' }) },
      };
    };
    const failure = async (response: ProviderResponse) => {
      const lines: string[] = [];
      const log = capture();
      const error = await connector.send(send.message, ctx(response, lines, log)).then(
        () => undefined,
        (e: unknown) => e,
      );
      return { error, lines: log.lines };
    };

    it('returns a receipt with the provider message id on success', async () => {
      const receipt = await connector.send(send.message, ctx(send.success, []));
      expect(receipt.providerMessageId.length).toBeGreaterThan(0);
    });
    it('maps a provider 401 to AUTH, not retryable', async () => {
      const { error, lines } = await failure(send.auth);
      expect(isChannelError(error) && error.code).toBe('AUTH');
      expect(isChannelError(error) && error.retryable).toBe(false);
      expect(leaks(`${String((error as Error).message)} ${lines.join('\n')}`)).toEqual([]);
    });
    it('maps a provider 429 to RATE_LIMITED with a retry delay', async () => {
      const { error } = await failure(send.rateLimited);
      expect(isChannelError(error) && error.code).toBe('RATE_LIMITED');
      expect(isChannelError(error) && error.retryable).toBe(true);
      expect(isChannelError(error) ? error.retryAfterMs : 0).toBeGreaterThan(0);
    });
    it('maps a provider 5xx to UNAVAILABLE, retryable', async () => {
      const { error, lines } = await failure(send.unavailable);
      expect(isChannelError(error) && error.code).toBe('UNAVAILABLE');
      expect(isChannelError(error) && error.retryable).toBe(true);
      expect(leaks(`${String((error as Error).message)} ${lines.join('\n')}`)).toEqual([]);
    });
  });
}
