/**
 * @module app/config
 * The only reader of process.env. A bad value stops the process with one line naming the
 * variable.
 */
import { z } from 'zod';
import { join, resolve } from 'node:path';
import { DEFAULT_VISITOR_LIMITS, type VisitorLimitSettings } from '../core/webchat/visitor-limits.js';
import type { MetaAppSettings } from '../core/deps.js';

/**
 * An integer setting: plain decimal digits only. Number() (z.coerce) also reads '0x4746', '1e3', '0b1', ' 80 '
 * and '' — a typo or a pasted hex value would silently become another port or limit.
 */
const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a decimal integer (digits only)')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const EnvSchema = z.object({
  PORT: int(0, 65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  SWITCHBOARD_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (leave unset for the embedded SQLite store)')
    .optional(),
  NATS_URL: z
    .string()
    .regex(/^(nats|tls):\/\//, 'must be a nats:// URL')
    .optional(),
  SWITCHBOARD_NATS_ACK_WAIT_MS: int(1000, 3_600_000).default(30_000),
  SWITCHBOARD_NATS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ and - only (it names NATS streams)')
    .default('switchboard'),
  SWITCHBOARD_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  SWITCHBOARD_OWNER_EMAIL: z.email().optional(),
  SWITCHBOARD_OWNER_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  SWITCHBOARD_ADMIN_TOKEN: z.string().min(20, 'must be at least 20 characters').optional(),
  SWITCHBOARD_MASTER_KEY: z
    .string()
    .refine((v) => decodeMasterKey(v) !== undefined, 'must be 32 bytes as 64 hex characters or base64')
    .optional(),
  SWITCHBOARD_BODY_LIMIT: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
  // behind a reverse proxy: which hops to trust for the client address (rate limits per IP need the real one)
  SWITCHBOARD_TRUST_PROXY: z
    .string()
    .regex(/^(true|false|[0-9a-fA-F.:/, ]+)$/, 'true, false, or comma-separated proxy addresses/CIDRs')
    .optional(),
  SWITCHBOARD_OUTBOUND_MAX_ATTEMPTS: int(1, 100).default(8),
  // back-pressure: above this many acknowledged-but-unprocessed raw events webhooks are answered 503 + Retry-After
  // (providers retry) until the backlog is back under 90 % of it; 0 turns the bound off
  SWITCHBOARD_INGEST_MAX_BACKLOG: int(0, 1_000_000_000).default(200_000),
  // and below this much free space on the data dir's disk (embedded SQLite), so a burst never fills it
  SWITCHBOARD_INGEST_MIN_FREE_MB: int(0, 10_000_000).default(256),
  // embedded: 1 runs processing (parse, contacts/conversations/messages, routing, the relay, sends) on a thread of
  // its own, so the HTTP thread only verifies, stores and acknowledges webhooks (docs/architecture.md, "Data flow")
  SWITCHBOARD_INGEST_WORKERS: z.enum(['0', '1']).default('0'),
  // "Connect with Meta": the Meta app the OAuth dialog is opened for (both or neither); the URLs only change in tests
  SWITCHBOARD_META_APP_ID: z
    .string()
    .regex(/^\d{5,20}$/, 'a numeric Meta app id')
    .optional(),
  SWITCHBOARD_META_APP_SECRET: z.string().min(16, 'must be the 32-character app secret').optional(),
  SWITCHBOARD_META_GRAPH_URL: z.url({ protocol: /^https?$/ }).default('https://graph.facebook.com'),
  SWITCHBOARD_META_DIALOG_URL: z.url({ protocol: /^https?$/ }).default('https://www.facebook.com'),
  SWITCHBOARD_META_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'like v21.0')
    .default('v21.0'),
  SWITCHBOARD_RETRY_BASE_MS: int(10, 3_600_000).default(1000),
  SWITCHBOARD_RETRY_MAX_MS: int(100, 86_400_000).default(300_000),
  SWITCHBOARD_CONNECTOR_TIMEOUT_MS: int(100, 600_000).default(30_000),
  SWITCHBOARD_WEBHOOK_RETRY_BASE_MS: int(10, 3_600_000).default(10_000),
  SWITCHBOARD_WEBHOOK_MAX_AGE_MS: int(1000, 30 * 86_400_000).default(86_400_000),
  SWITCHBOARD_WEBHOOK_TIMEOUT_MS: int(100, 120_000).default(10_000),
  SWITCHBOARD_SEND_LEASE_MS: int(1000, 86_400_000).default(300_000),
  SWITCHBOARD_HEALTH_INTERVAL_SECONDS: int(10, 86_400).default(900),
  // the shortest silence of a connection's inbound that is a health warning, whatever its usual pace
  SWITCHBOARD_HEALTH_SILENCE_FLOOR_MINUTES: int(1, 7 * 24 * 60).default(60),
  // days before a credential's end when a health warning starts: one or more, comma-separated ("14,3")
  SWITCHBOARD_HEALTH_EXPIRY_WARNING_DAYS: z
    .string()
    .regex(/^\d{1,3}(,\d{1,3})*$/, 'comma-separated whole days, like 14,3')
    .transform((v) => [...new Set(v.split(',').map(Number))].filter((d) => d > 0).sort((a, b) => b - a))
    .pipe(z.array(z.number()).min(1, 'at least one day above 0'))
    .default([14, 3]),
  // the shortest time between two e-mails to the admins about one thing (a connection's health), core/notifications
  SWITCHBOARD_NOTIFY_MIN_INTERVAL_MINUTES: int(1, 7 * 24 * 60).default(30),
  SWITCHBOARD_RAW_EVENT_RETENTION_DAYS: int(0, 3650).default(30),
  SWITCHBOARD_EVENT_RETENTION_HOURS: int(0, 24 * 365).default(24),
  SWITCHBOARD_MEDIA_STORE: z.enum(['database', 'directory']).default('database'),
  SWITCHBOARD_MEDIA_DIR: z.string().min(1).optional(),
  SWITCHBOARD_MEDIA_MAX_BYTES: int(1024, 1024 * 1024 * 1024).default(100 * 1024 * 1024),
  // webchat visitors: rates per minute (token buckets holding a minute's worth) and the open-conversation cap
  SWITCHBOARD_WEBCHAT_SESSIONS_PER_MINUTE: int(1, 1_000_000).default(
    DEFAULT_VISITOR_LIMITS.sessionsPerAddressPerMinute,
  ),
  SWITCHBOARD_WEBCHAT_MESSAGES_PER_MINUTE: int(1, 1_000_000).default(
    DEFAULT_VISITOR_LIMITS.messagesPerSessionPerMinute,
  ),
  SWITCHBOARD_WEBCHAT_ADDRESS_MESSAGES_PER_MINUTE: int(1, 1_000_000).default(
    DEFAULT_VISITOR_LIMITS.messagesPerAddressPerMinute,
  ),
  SWITCHBOARD_WEBCHAT_TYPING_PER_MINUTE: int(1, 1_000_000).default(DEFAULT_VISITOR_LIMITS.typingPerSessionPerMinute),
  SWITCHBOARD_WEBCHAT_ADDRESS_TYPING_PER_MINUTE: int(1, 1_000_000).default(
    DEFAULT_VISITOR_LIMITS.typingPerAddressPerMinute,
  ),
  SWITCHBOARD_WEBCHAT_OPEN_CONVERSATIONS_PER_ADDRESS: int(1, 1_000_000).default(
    DEFAULT_VISITOR_LIMITS.openConversationsPerAddress,
  ),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  natsUrl: string | undefined;
  /** names this deployment's streams and subjects; every process of one deployment uses the same */
  natsPrefix: string;
  /** how long JetStream waits for a silent worker before redelivering its message to another */
  natsAckWaitMs: number;
  publicUrl: string;
  adminToken: string | undefined;
  /** the first owner's sign-in (created on first start; a password is generated and shown once when unset) */
  ownerEmail: string | undefined;
  ownerPassword: string | undefined;
  masterKey: Buffer | undefined;
  bodyLimit: number;
  /** Fastify trustProxy: whom to believe in X-Forwarded-For (unset: nobody; the socket address is the client) */
  trustProxy: boolean | string;
  outboundMaxAttempts: number;
  /** back-pressure on ingest: the processing backlog (raw events) above which webhooks are answered 503; 0: none */
  ingestMaxBacklog: number;
  /** back-pressure on ingest: the free space (bytes) on the data dir's disk below which webhooks are answered 503 */
  ingestMinFreeBytes: number;
  /** embedded: processing on a thread of its own (app/processing-thread.ts) */
  ingestWorkers: boolean;
  retryBaseMs: number;
  retryMaxMs: number;
  connectorTimeoutMs: number;
  rawEventRetentionDays: number;
  /** a send claimed longer than this without finishing is declared interrupted (its process died) */
  sendLeaseMs: number;
  /** outgoing webhooks: first retry delay (doubling, capped at 1 h), how long to keep trying, per-attempt timeout */
  webhookRetryBaseMs: number;
  webhookMaxAgeMs: number;
  webhookTimeoutMs: number;
  eventRetentionHours: number;
  mediaStore: 'database' | 'directory';
  mediaDir: string;
  mediaMaxBytes: number;
  /** webchat visitors' rate limits and open-conversation cap */
  visitorLimits: VisitorLimitSettings;
  /** how often each running connection's provider is asked about it (core/health) */
  healthIntervalMs: number;
  /** days before a credential's end when its health check warns, largest first */
  healthExpiryWarningDays: number[];
  /** the shortest inbound silence that warns (the silence watch) */
  healthSilenceFloorMs: number;
  /** the shortest time between two admin e-mails of one key (core/notifications) */
  notifyMinIntervalMs: number;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  /** "Connect with Meta": set when both SWITCHBOARD_META_APP_ID and SWITCHBOARD_META_APP_SECRET are */
  meta: MetaAppSettings | undefined;
};

export function decodeMasterKey(value: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  const b = Buffer.from(value, 'base64');
  return b.length === 32 && /^[A-Za-z0-9+/_-]+=*$/.test(value) ? b : undefined;
}

export class ConfigError extends Error {}

/** the sandbox is a local playground: the same settings, but it binds to loopback unless HOST says otherwise */
export function loadSandboxConfig(env: Record<string, string | undefined> = process.env): Config {
  return loadConfig({ ...env, HOST: env.HOST || '127.0.0.1' });
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k in EnvSchema.shape && v !== undefined && v !== ''),
  );
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(
      `${name}: ${issue?.message ?? 'invalid'} (got ${JSON.stringify(/TOKEN|KEY|PASSWORD|SECRET/.test(name) ? '***' : present[name])})`,
    );
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.SWITCHBOARD_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    natsUrl: e.NATS_URL,
    natsPrefix: e.SWITCHBOARD_NATS_PREFIX,
    natsAckWaitMs: e.SWITCHBOARD_NATS_ACK_WAIT_MS,
    publicUrl: (e.SWITCHBOARD_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    adminToken: e.SWITCHBOARD_ADMIN_TOKEN,
    ownerEmail: e.SWITCHBOARD_OWNER_EMAIL,
    ownerPassword: e.SWITCHBOARD_OWNER_PASSWORD,
    masterKey: e.SWITCHBOARD_MASTER_KEY ? decodeMasterKey(e.SWITCHBOARD_MASTER_KEY) : undefined,
    bodyLimit: e.SWITCHBOARD_BODY_LIMIT,
    trustProxy: trustProxyOf(e.SWITCHBOARD_TRUST_PROXY),
    outboundMaxAttempts: e.SWITCHBOARD_OUTBOUND_MAX_ATTEMPTS,
    ingestMaxBacklog: e.SWITCHBOARD_INGEST_MAX_BACKLOG,
    ingestMinFreeBytes: e.SWITCHBOARD_INGEST_MIN_FREE_MB * 1024 * 1024,
    ingestWorkers: e.SWITCHBOARD_INGEST_WORKERS === '1',
    retryBaseMs: e.SWITCHBOARD_RETRY_BASE_MS,
    retryMaxMs: e.SWITCHBOARD_RETRY_MAX_MS,
    connectorTimeoutMs: e.SWITCHBOARD_CONNECTOR_TIMEOUT_MS,
    rawEventRetentionDays: e.SWITCHBOARD_RAW_EVENT_RETENTION_DAYS,
    sendLeaseMs: e.SWITCHBOARD_SEND_LEASE_MS,
    healthIntervalMs: e.SWITCHBOARD_HEALTH_INTERVAL_SECONDS * 1000,
    healthExpiryWarningDays: e.SWITCHBOARD_HEALTH_EXPIRY_WARNING_DAYS,
    healthSilenceFloorMs: e.SWITCHBOARD_HEALTH_SILENCE_FLOOR_MINUTES * 60_000,
    notifyMinIntervalMs: e.SWITCHBOARD_NOTIFY_MIN_INTERVAL_MINUTES * 60_000,
    webhookRetryBaseMs: e.SWITCHBOARD_WEBHOOK_RETRY_BASE_MS,
    webhookMaxAgeMs: e.SWITCHBOARD_WEBHOOK_MAX_AGE_MS,
    webhookTimeoutMs: e.SWITCHBOARD_WEBHOOK_TIMEOUT_MS,
    eventRetentionHours: e.SWITCHBOARD_EVENT_RETENTION_HOURS,
    mediaStore: e.SWITCHBOARD_MEDIA_STORE,
    mediaDir: resolve(e.SWITCHBOARD_MEDIA_DIR ?? join(e.SWITCHBOARD_DATA_DIR, 'media')),
    mediaMaxBytes: e.SWITCHBOARD_MEDIA_MAX_BYTES,
    visitorLimits: {
      sessionsPerAddressPerMinute: e.SWITCHBOARD_WEBCHAT_SESSIONS_PER_MINUTE,
      messagesPerSessionPerMinute: e.SWITCHBOARD_WEBCHAT_MESSAGES_PER_MINUTE,
      messagesPerAddressPerMinute: e.SWITCHBOARD_WEBCHAT_ADDRESS_MESSAGES_PER_MINUTE,
      typingPerSessionPerMinute: e.SWITCHBOARD_WEBCHAT_TYPING_PER_MINUTE,
      typingPerAddressPerMinute: e.SWITCHBOARD_WEBCHAT_ADDRESS_TYPING_PER_MINUTE,
      openConversationsPerAddress: e.SWITCHBOARD_WEBCHAT_OPEN_CONVERSATIONS_PER_ADDRESS,
    },
    logLevel: e.LOG_LEVEL,
    meta:
      e.SWITCHBOARD_META_APP_ID && e.SWITCHBOARD_META_APP_SECRET
        ? {
            appId: e.SWITCHBOARD_META_APP_ID,
            appSecret: e.SWITCHBOARD_META_APP_SECRET,
            graphUrl: e.SWITCHBOARD_META_GRAPH_URL.replace(/\/+$/, ''),
            dialogUrl: e.SWITCHBOARD_META_DIALOG_URL.replace(/\/+$/, ''),
            apiVersion: e.SWITCHBOARD_META_API_VERSION,
          }
        : undefined,
  };
}

function trustProxyOf(value: string | undefined): boolean | string {
  if (value === undefined || value === 'false') return false;
  return value === 'true' ? true : value.replace(/\s+/g, '');
}
