// A phone-based SMS gateway app speaking the hub's sms-gateway `http` contract (docs/channels/sms-gateway.md in the
// server package): POST /messages {id, to, from, text, statusUrl} with `Authorization: Bearer <token>`, answered
// 202 {id}; then status events {event: "status", id, status: sent|delivered|failed, error?, at} and the phone's own
// messages {event: "message", id, from, to, text, receivedAt}, each POSTed as JSON signed with
// `X-Gateway-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>` and `X-Gateway-Timestamp`.
import { createHmac, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { listen } from '../http/listen.js';
import { readBody } from '../http/read-body.js';

export interface SmsGatewaySimulatorOptions {
  /** the bearer token the app expects from the hub */
  token?: string;
  /** the HMAC key of the events it sends (the connection's inbound secret) */
  secret: string;
  /** the app's own number */
  number?: string;
  /** delays of the sent and delivered events after a message is taken; delivered may come first */
  statusDelaysMs?: { sent: number; delivered: number };
}

export interface GatewaySent {
  id: string;
  to: string;
  from: string;
  text: string;
  statusUrl: string;
  /** when the app took it (ISO 8601) */
  at: string;
}

export interface SmsGatewaySimulator {
  url: string;
  token: string;
  number: string;
  sent(): GatewaySent[];
  /** a phone's SMS reaches the app, which posts it to `webhookUrl`; answers the hub's HTTP status */
  receive(webhookUrl: string, from: string, text: string, options?: { signWith?: string }): Promise<number>;
  /** the next send to this number fails with the contract's error body */
  failNext(to: string, status: number, code: string, message: string): void;
  /** messages to this number report `failed` with this error after being sent */
  undeliverable(to: string, code: string): void;
  close(): Promise<void>;
}

export function signGatewayEvent(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export async function startSmsGatewaySimulator(options: SmsGatewaySimulatorOptions): Promise<SmsGatewaySimulator> {
  const token = options.token ?? `gw_${randomUUID().replace(/-/g, '')}`;
  const number = options.number ?? '+4915199990000';
  const delays = options.statusDelaysMs ?? { sent: 30, delivered: 80 };
  const sent: GatewaySent[] = [];
  const failures = new Map<string, { status: number; code: string; message: string }>();
  const undeliverable = new Map<string, string>();
  const timers = new Set<NodeJS.Timeout>();

  const post = async (url: string, event: unknown, secret = options.secret): Promise<number> => {
    const body = JSON.stringify(event);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-gateway-timestamp': timestamp,
        'x-gateway-signature': signGatewayEvent(secret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return res.status;
  };
  const later = (ms: number, fn: () => Promise<unknown>) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn().catch(() => undefined);
    }, ms);
    timers.add(timer);
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = await listen(
    async (req, res) => {
      if (req.method !== 'POST' || req.url !== '/messages')
        return json(res, 404, { error: { code: 'NOT_FOUND', message: 'POST /messages' } });
      if (req.headers.authorization !== `Bearer ${token}`)
        return json(res, 401, { error: { code: 'UNAUTHORIZED', message: 'wrong or missing bearer token' } });
      let body: Partial<GatewaySent>;
      try {
        body = JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8')) as Partial<GatewaySent>;
      } catch {
        return json(res, 400, { error: { code: 'REJECTED', message: 'not JSON' } });
      }
      const { id, to, text, statusUrl } = body as Partial<Omit<GatewaySent, 'at'>>;
      if (!id || !to || typeof text !== 'string' || !statusUrl)
        return json(res, 400, { error: { code: 'REJECTED', message: 'id, to, text and statusUrl are required' } });
      const failure = failures.get(to);
      if (failure) {
        failures.delete(to);
        return json(res, failure.status, { error: { code: failure.code, message: failure.message } });
      }
      sent.push({ id, to, from: body.from ?? number, text, statusUrl, at: new Date().toISOString() });
      const bad = undeliverable.get(to);
      later(delays.sent, () => post(statusUrl, { event: 'status', id, status: 'sent', at: new Date().toISOString() }));
      later(delays.delivered, () =>
        post(
          statusUrl,
          bad
            ? { event: 'status', id, status: 'failed', error: { code: bad, message: 'the phone could not send it' } }
            : { event: 'status', id, status: 'delivered', at: new Date().toISOString() },
        ),
      );
      return json(res, 202, { id });
    },
    { host: '127.0.0.1' },
  );

  return {
    url: server.url,
    token,
    number,
    sent: () => [...sent],
    receive: (webhookUrl, from, text, opts) =>
      post(
        webhookUrl,
        { event: 'message', id: randomUUID(), from, to: number, text, receivedAt: new Date().toISOString() },
        opts?.signWith,
      ),
    failNext(to, status, code, message) {
      failures.set(to, { status, code, message });
    },
    undeliverable(to, code) {
      undeliverable.set(to, code);
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await server.close();
    },
  };
}
