/**
 * @module api/sse
 * Server-sent events over a hijacked reply: headers, a comment heartbeat (keeps proxies from closing idle
 * streams), and clean-up when the client goes away.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface SseStream {
  send(event: string, data: unknown, id?: string): void;
  onClose(fn: () => void): void;
}

export function openSse(request: FastifyRequest, reply: FastifyReply, heartbeatMs = 15_000): SseStream {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    ...(request.headers.origin ? { 'access-control-allow-origin': request.headers.origin, vary: 'origin' } : {}),
  });
  res.write('retry: 2000\n\n');
  const closers: Array<() => void> = [];
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
  heartbeat.unref();
  request.raw.on('close', () => {
    clearInterval(heartbeat);
    for (const fn of closers) fn();
  });
  return {
    send(event, data, id) {
      if (res.writableEnded) return;
      res.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    onClose(fn) {
      closers.push(fn);
    },
  };
}
