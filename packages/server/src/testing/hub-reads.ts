/**
 * @module testing/hub-reads
 * What the channels' end-to-end tests read from a hub through its REST API, written once: a connection's
 * conversation with an address (waited for: the inbound pipeline is asynchronous), a conversation's messages, one
 * message until it matches, and a reply that must be accepted. Typed by the caller, which knows the fields it reads.
 */
import { expect } from 'vitest';
import { eventually, type TestServer } from './test-server.js';

/** a 1×1 PNG: simulators read real image dimensions */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** `server`: the test's hub, read when a helper runs (tests start it in beforeAll) */
export function hubReads(server: () => TestServer) {
  const get = async <T>(path: string) => (await server().api<T>('GET', path)).body;
  const message = <M>(id: string) => get<M>(`/api/v1/messages/${id}`);
  return {
    conversationWith: <C extends { address: string }>(connectionId: string, address: string, ms = 10_000) =>
      eventually(
        async () =>
          (await get<{ data: C[] }>(`/api/v1/conversations?connectionId=${connectionId}&limit=200`)).data.find(
            (c) => c.address === address,
          ),
        ms,
        `conversation with ${address}`,
      ),
    messagesOf: async <M>(conversationId: string) =>
      (await get<{ data: M[] }>(`/api/v1/conversations/${conversationId}/messages?limit=200`)).data,
    message,
    messageUntil: <M>(id: string, ok: (m: M) => boolean, what: string, ms = 15_000) =>
      eventually(
        async () => {
          const m = await message<M>(id);
          return ok(m) ? m : undefined;
        },
        ms,
        what,
      ),
    reply: async <M>(conversationId: string, content: unknown, metadata?: Record<string, unknown>) => {
      const res = await server().api<M>('POST', `/api/v1/conversations/${conversationId}/messages`, {
        content,
        ...(metadata ? { metadata } : {}),
      });
      expect(res.status).toBe(202);
      return res.body;
    },
  };
}
