/**
 * @module channel-kit/provider-http
 * The one way a connector calls its provider over HTTP: JSON, form or multipart bodies, an optional per-call
 * timeout on top of the hub's, transport failures mapped to `UNAVAILABLE` by their error code only (undici's
 * messages can quote the request URL, and some providers put the token in the URL), the hub's own refusals
 * (address guard) passed through untouched, non-2xx answers handed to the connector's own body mapping, and
 * every credential scrubbed from every message. Each provider keeps only what is really its own: its error body.
 */
import { ChannelError, channelErrorFromHttpStatus, parseRetryAfter } from './errors.js';
import type { HttpClient } from './connector.js';

/** a provider's answer, read once */
export interface ProviderResponse {
  status: number;
  ok: boolean;
  headers: Headers;
  text: string;
  /** the parsed JSON body; undefined when the body is empty or not JSON */
  json: unknown;
  /** Retry-After in ms, when the provider sent one */
  retryAfterMs: number | undefined;
}

export interface ProviderClientOptions {
  /** the provider's name as messages show it: "Telegram", "WhatsApp Cloud API" */
  provider: string;
  http: HttpClient;
  /** the connection's lifetime: aborted when it stops */
  signal?: AbortSignal | undefined;
  /** values that must never appear in an error message (tokens, secrets) */
  secrets?: ReadonlyArray<string | undefined>;
  /** maps a non-2xx answer to an error; the default maps the status alone */
  mapError?: (res: ProviderResponse, what: string | undefined) => ChannelError;
}

export interface ProviderRequest {
  method?: string;
  headers?: Record<string, string>;
  /** sent as application/json */
  json?: unknown;
  /** URLSearchParams as application/x-www-form-urlencoded, FormData as multipart */
  form?: URLSearchParams | FormData;
  /** a raw body (a file the provider takes as the whole request, as the WhatsApp Coreapp's media upload) */
  bytes?: { data: Buffer; contentType: string };
  /** names the call in messages ("during sendMessage") */
  what?: string;
  /** a bound for this call alone, on top of the hub's connector timeout */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ProviderClient {
  /** the answer of a 2xx call (body read); a non-2xx answer throws the mapped ChannelError */
  call(url: string, request?: ProviderRequest): Promise<ProviderResponse>;
  /** like call, but reads the body as bytes (media downloads) */
  download(
    url: string,
    request?: ProviderRequest,
  ): Promise<{ bytes: Buffer; contentType: string | undefined; headers: Headers }>;
  /** removes every configured secret from a text */
  scrub(text: string): string;
}

export function providerClient(options: ProviderClientOptions): ProviderClient {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 4);
  const scrub = (text: string): string => secrets.reduce((out, s) => out.split(s).join('********'), text);
  const mapError =
    options.mapError ??
    ((res: ProviderResponse, what: string | undefined) =>
      channelErrorFromHttpStatus(
        res.status,
        `${options.provider} answered HTTP ${res.status}${what ? ` to ${what}` : ''}`,
        res.retryAfterMs,
      ));

  const signalFor = (request: ProviderRequest): AbortSignal | undefined => {
    const signals = [
      request.signal ?? options.signal,
      request.timeoutMs ? AbortSignal.timeout(request.timeoutMs) : undefined,
    ].filter((s): s is AbortSignal => s !== undefined);
    return signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  };

  const transportError = (error: unknown, what: string | undefined, signal: AbortSignal | undefined): ChannelError => {
    // the hub's own refusals (a private address, the guard) are final, not a provider outage
    if (error instanceof ChannelError) return error;
    const e = error as { name?: unknown; code?: unknown; cause?: { code?: unknown; name?: unknown } } | undefined;
    const code = [e?.cause?.code, e?.code, e?.cause?.name, e?.name].find(
      (v): v is string => typeof v === 'string' && v !== 'Error' && v !== 'TypeError',
    );
    const reason =
      signal?.aborted || code === 'AbortError' || code === 'TimeoutError'
        ? 'timed out'
        : `unreachable${code ? ` (${code})` : ''}`;
    return new ChannelError('UNAVAILABLE', scrub(`${options.provider} ${reason}${what ? ` during ${what}` : ''}`), {
      cause: error,
    });
  };

  const send = async (
    url: string,
    request: ProviderRequest,
  ): Promise<{ res: Response; signal: AbortSignal | undefined }> => {
    const headers: Record<string, string> = { ...request.headers };
    let body: string | URLSearchParams | FormData | Uint8Array | undefined;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.form instanceof URLSearchParams) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = request.form;
    } else if (request.form)
      body = request.form; // fetch sets the multipart boundary
    else if (request.bytes) {
      headers['content-type'] = request.bytes.contentType;
      body = new Uint8Array(request.bytes.data);
    }
    const signal = signalFor(request);
    try {
      const res = await options.http(url, {
        method: request.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        ...(body === undefined ? {} : { body }),
        ...(signal ? { signal } : {}),
      });
      return { res, signal };
    } catch (error) {
      throw transportError(error, request.what, signal);
    }
  };

  const read = async (
    res: Response,
    what: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ProviderResponse> => {
    let text: string;
    try {
      text = await res.text();
    } catch (error) {
      throw transportError(error, what, signal);
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return {
      status: res.status,
      ok: res.ok,
      headers: res.headers,
      text,
      json,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
    };
  };

  const failed = (answer: ProviderResponse, what: string | undefined): ChannelError => {
    const error = mapError(answer, what);
    const message = scrub(error.message);
    if (message === error.message) return error;
    return new ChannelError(error.code, message, {
      retryable: error.retryable,
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
      ...(error.providerCode !== undefined ? { providerCode: error.providerCode } : {}),
    });
  };

  return {
    scrub,
    async call(url, request = {}) {
      const { res, signal } = await send(url, request);
      const answer = await read(res, request.what, signal);
      if (!answer.ok) throw failed(answer, request.what);
      return answer;
    },
    async download(url, request = {}) {
      const { res, signal } = await send(url, request);
      if (!res.ok) throw failed(await read(res, request.what, signal), request.what);
      try {
        const bytes = Buffer.from(await res.arrayBuffer());
        return {
          bytes,
          contentType: res.headers.get('content-type')?.split(';')[0]?.trim() || undefined,
          headers: res.headers,
        };
      } catch (error) {
        throw transportError(error, request.what, signal);
      }
    },
  };
}
