// Test support: a tiny node:http receiver on 127.0.0.1 that records every request (raw bytes) and answers
// with a scripted status — stands in for the hub's webhook endpoint in the simulators' own tests.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Milliseconds since the receiver started. */
  at: number;
}

export interface ScriptedReply {
  status: number;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Delay before answering, ms. */
  delayMs?: number;
}

export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Replies used in order for the next requests; afterwards `fallback` is used. */
  script(...replies: ScriptedReply[]): void;
  fallback: (req: ReceivedRequest) => ScriptedReply;
  /** Resolves when at least `n` requests arrived (rejects after timeoutMs). */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const started = Date.now();
  const queue: ScriptedReply[] = [];
  const waiters: Array<() => void> = [];
  const receiver: WebhookReceiver = {
    url: '',
    requests: [],
    script: (...replies) => queue.push(...replies),
    fallback: () => ({ status: 200 }),
    waitFor: (n, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (receiver.requests.length >= n) {
            clearTimeout(timer);
            resolve(receiver.requests.slice());
            return true;
          }
          return false;
        };
        const timer = setTimeout(
          () => reject(new Error(`expected ${n} webhook requests, got ${receiver.requests.length}`)),
          timeoutMs,
        );
        const waiter = () => {
          if (!check()) waiters.push(waiter);
        };
        waiter();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: Date.now() - started,
      };
      receiver.requests.push(rec);
      for (const w of waiters.splice(0)) w();
      const reply = queue.shift() ?? receiver.fallback(rec);
      const answer = () => {
        res.writeHead(reply.status, reply.headers ?? {});
        res.end(reply.body ?? '');
      };
      if (reply.delayMs) setTimeout(answer, reply.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}
