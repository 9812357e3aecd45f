// Makes one outbound HTTP(S) request with a deadline (webhook deliveries, media URL fetches) using node:http.
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface OutboundRequest {
  url: string;
  method: 'GET' | 'POST' | 'HEAD';
  headers?: Record<string, string>;
  body?: Buffer;
  timeoutMs: number;
  /** Responses larger than this are cut off and reported as an error. */
  maxResponseBytes?: number;
  signal?: AbortSignal;
  agent?: Agent;
}

export interface OutboundResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Network-level failure; `kind` distinguishes refused connections, timeouts and dropped connections. */
export class OutboundError extends Error {
  constructor(
    readonly kind: 'refused' | 'timeout' | 'closed' | 'aborted' | 'other',
    message: string,
  ) {
    super(message);
  }
}

export function sendOutbound(req: OutboundRequest): Promise<OutboundResponse> {
  const url = new URL(req.url);
  const isHttps = url.protocol === 'https:';
  if (!isHttps && url.protocol !== 'http:')
    return Promise.reject(new OutboundError('other', `unsupported protocol ${url.protocol}`));
  const limit = req.maxResponseBytes ?? 1 << 20;
  return new Promise<OutboundResponse>((resolve, reject) => {
    let settled = false;
    const finish = (err: OutboundError | undefined, res?: OutboundResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(res as OutboundResponse);
    };
    const headers: Record<string, string> = { ...req.headers };
    if (req.body) headers['content-length'] = String(req.body.length);
    const outgoing = (isHttps ? httpsRequest : httpRequest)(
      url,
      { method: req.method, headers, ...(req.agent && !isHttps ? { agent: req.agent } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) {
            outgoing.destroy();
            finish(new OutboundError('other', `response larger than ${limit} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          finish(undefined, {
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', () => finish(new OutboundError('closed', 'Webhook connection closed')));
        res.on('aborted', () => finish(new OutboundError('closed', 'Webhook connection closed')));
      },
    );
    const timer = setTimeout(() => {
      outgoing.destroy();
      finish(new OutboundError('timeout', 'Read timeout expired'));
    }, req.timeoutMs);
    const onAbort = () => {
      outgoing.destroy();
      finish(new OutboundError('aborted', 'aborted'));
    };
    req.signal?.addEventListener('abort', onAbort);
    if (req.signal?.aborted) onAbort();
    outgoing.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') finish(new OutboundError('refused', 'Connection refused'));
      else if (err.code === 'ECONNRESET' || err.code === 'EPIPE')
        finish(new OutboundError('closed', 'Webhook connection closed'));
      else finish(new OutboundError('other', err.message));
    });
    outgoing.end(req.body);
  });
}
