/**
 * @module channel-kit/errors
 * Provider failures mapped once, in the connector, to a stable code and a retry verdict (Fastify lib/errors.js
 * style). The outbound worker, not the connector, decides what to do with them.
 */
export const CHANNEL_ERROR_CODES = [
  'AUTH', // credentials rejected or revoked: the connection turns ERROR
  'RATE_LIMITED', // provider throttled us: retry after retryAfterMs
  'UNAVAILABLE', // provider 5xx, timeout, network: retry with backoff
  'WINDOW_CLOSED', // outside the provider's customer-service window
  'INVALID_RECIPIENT', // unknown chat/number, user blocked the bot, deactivated
  'REJECTED', // the provider refused this message for good (bad parameters, policy)
  'UNSUPPORTED', // the channel cannot carry this content
  'INVALID_CONFIG', // the connection's configuration cannot work (wrong ids)
  'OPTED_OUT', // the recipient opted out at the provider (replied STOP there): the hub records their opt-out
] as const;
export type ChannelErrorCode = (typeof CHANNEL_ERROR_CODES)[number];

const DEFAULT_RETRYABLE: Record<ChannelErrorCode, boolean> = {
  AUTH: false,
  RATE_LIMITED: true,
  UNAVAILABLE: true,
  WINDOW_CLOSED: false,
  INVALID_RECIPIENT: false,
  REJECTED: false,
  UNSUPPORTED: false,
  INVALID_CONFIG: false,
  OPTED_OUT: false,
};

export interface ChannelErrorOptions {
  retryable?: boolean;
  retryAfterMs?: number;
  /** the provider's own code (Graph 131047, Telegram 403…) for logs and statusDetail */
  providerCode?: string | number;
  cause?: unknown;
  /** the recipient cannot be reached on this channel at all (RBM: not RCS-capable): a fallback connection may carry it */
  unreachable?: boolean;
}

export class ChannelError extends Error {
  override readonly name = 'ChannelError';
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly providerCode: string | undefined;
  readonly unreachable: boolean;

  constructor(
    readonly code: ChannelErrorCode,
    message: string,
    options: ChannelErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? DEFAULT_RETRYABLE[code];
    this.retryAfterMs = options.retryAfterMs;
    this.providerCode = options.providerCode === undefined ? undefined : String(options.providerCode);
    this.unreachable = options.unreachable ?? false;
  }
}

export function isChannelError(value: unknown): value is ChannelError {
  return value instanceof ChannelError;
}

/**
 * Maps an HTTP status without a provider-specific body to the generic code. Connectors call this as a
 * fallback after their own body-based mapping.
 */
export function channelErrorFromHttpStatus(status: number, message: string, retryAfterMs?: number): ChannelError {
  if (status === 401) return new ChannelError('AUTH', message, { providerCode: status });
  if (status === 429)
    return new ChannelError('RATE_LIMITED', message, { providerCode: status, retryAfterMs: retryAfterMs ?? 1000 });
  if (status >= 500 || status === 408)
    return new ChannelError('UNAVAILABLE', message, { providerCode: status, retryAfterMs });
  if (status === 403) return new ChannelError('INVALID_RECIPIENT', message, { providerCode: status });
  return new ChannelError('REJECTED', message, { providerCode: status });
}

/** Parses an HTTP Retry-After header (seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
