/**
 * Batch processing of raw inbound events against a real SQLite store: one delivery drains the connection's stored
 * events oldest first in one transaction, an unparseable event fails alone, and a write failure falls back to one
 * transaction per event without losing, doubling or reordering anything. The raw events are stored without outbox
 * rows, so no bus delivery races the calls made here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnector } from '../../channel-kit/test-connector.js';
import type { AnyConnector } from '../../channel-kit/index.js';
import { newId } from '../../model/index.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';
import type { InboundEventRecord, Store, StoreOps } from '../ports/index.js';
import { InboundProcessor } from './inbound-processor.js';

/** the test gateway, except that a body containing "poison" cannot be parsed */
const poisonable: AnyConnector = {
  ...testConnector,
  type: 'x-test-batch' as AnyConnector['type'],
  inbound: {
    ...testConnector.inbound,
    mode: 'webhook',
    verify: () => ({ ok: true }),
    parse: (req, config) => {
      if (req.rawBody.toString('utf8').includes('poison')) throw new Error('poisoned body');
      if (testConnector.inbound.mode !== 'webhook') throw new Error('unreachable');
      return testConnector.inbound.parse(req, config as never);
    },
  },
} as AnyConnector;

describe('inbound processor batches', () => {
  let t: TestServer;
  let connectionId: string;
  let workspaceId: string;

  beforeAll(async () => {
    t = await startTestServer({ extraConnectors: [poisonable] });
    const created = await t.api<{ id: string; workspaceId: string }>('POST', '/api/v1/connections', {
      type: 'x-test-batch',
      name: 'batch',
      config: { signingSecret: 'signing-secret-batch', apiToken: 'api-token-batch', apiBaseUrl: 'http://127.0.0.1:9' },
    });
    connectionId = created.body.id;
    if (!connectionId) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
    workspaceId = (await t.sb.store.getConnectionUnscoped(connectionId))?.workspaceId ?? '';
    expect((await t.api<{ status: string }>('POST', `/api/v1/connections/${connectionId}/start`)).body.status).toBe(
      'RUNNING',
    );
  });
  afterAll(async () => {
    await t.close();
  });

  const raw = (body: unknown): InboundEventRecord => ({
    id: newId('evt'),
    workspaceId,
    connectionId,
    eventKey: null,
    method: 'POST',
    url: `/webhooks/${connectionId}`,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    status: 'pending',
    error: null,
    receivedAt: new Date().toISOString(),
    processedAt: null,
  });
  const message = (id: string, from: string, text: string) => raw({ id, type: 'message', from, text });
  const texts = async (address: string) => {
    const conversations = await t.api<{ data: Array<{ id: string; address: string }> }>(
      'GET',
      `/api/v1/conversations?connectionId=${connectionId}&limit=100`,
    );
    const conv = conversations.body.data.find((c) => c.address === address);
    if (!conv) return [];
    return (
      await t.api<{ data: Array<{ content: { text?: string } }> }>(
        'GET',
        `/api/v1/conversations/${conv.id}/messages?limit=100`,
      )
    ).body.data.map((m) => m.content.text);
  };
  const processor = (store: Store = t.sb.store) =>
    new InboundProcessor({ ...t.sb.hub.deps, store }, t.sb.hub.connections);

  it('writes every stored event of the connection in one delivery, oldest first, failing only the unparseable one', async () => {
    const events = [
      message('b1', '+4901', 'ana 1'),
      message('b2', '+4902', 'ben 1'),
      message('b3', '+4901', 'ana 2'),
      raw('{"poison": true}'),
      message('b4', '+4902', 'ben 2'),
      message('b5', '+4901', 'ana 3'),
    ];
    const [first, , , poison] = events;
    await t.sb.store.insertInboundEvents(events);
    const p = processor();
    await p.process(first?.id ?? '');
    for (const e of events) {
      const row = await t.sb.store.getInboundEvent(e.id);
      expect(row?.status).toBe(e === poison ? 'failed' : 'processed');
    }
    expect((await t.sb.store.getInboundEvent(poison?.id ?? ''))?.error).toBe('poisoned body');
    expect(await texts('+4901')).toEqual(['ana 1', 'ana 2', 'ana 3']);
    expect(await texts('+4902')).toEqual(['ben 1', 'ben 2']);
    // the other events' own deliveries find nothing left to do
    for (const e of events) await p.process(e.id);
    expect(await texts('+4901')).toEqual(['ana 1', 'ana 2', 'ana 3']);
    const logs = await t.api<{ data: Array<{ event: string; message: string }> }>(
      'GET',
      `/api/v1/connections/${connectionId}/logs?limit=100`,
    );
    expect(logs.body.data.some((l) => l.event === 'parse_failed' && l.message.includes(poison?.id ?? '?'))).toBe(true);
  });

  it('falls back to one transaction per event when the batch cannot be written, and loses nothing', async () => {
    // the real store, except that writing provider message "c2" fails (a fault injected into the transaction)
    let failing = true;
    const wrapOps = (tx: StoreOps): StoreOps =>
      new Proxy(tx, {
        get(target, key, receiver) {
          if (key === 'insertMessage') {
            return (row: Parameters<StoreOps['insertMessage']>[0]) => {
              if (failing && row.providerMessageId === 'c2') return Promise.reject(new Error('disk says no'));
              return target.insertMessage(row);
            };
          }
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
    const real = t.sb.store;
    const faulty = new Proxy(real, {
      get(target, key, receiver) {
        if (key === 'transaction')
          return <T>(fn: (tx: StoreOps) => Promise<T>) => real.transaction((tx) => fn(wrapOps(tx)));
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const [c1, c2, c3] = [
      message('c1', '+4903', 'cem 1'),
      message('c2', '+4903', 'cem 2'),
      message('c3', '+4903', 'cem 3'),
    ];
    if (!c1 || !c2 || !c3) throw new Error('events');
    await real.insertInboundEvents([c1, c2, c3]);
    const p = processor(faulty);
    // the delivered event is written alone; the failing one stops the run and waits for its own delivery
    await p.process(c1.id);
    expect((await real.getInboundEvent(c1.id))?.status).toBe('processed');
    expect((await real.getInboundEvent(c2.id))?.status).toBe('pending');
    expect((await real.getInboundEvent(c3.id))?.status).toBe('pending');
    expect(await texts('+4903')).toEqual(['cem 1']);
    // its own delivery fails too, so the bus retries it
    await expect(p.process(c2.id)).rejects.toThrow('disk says no');
    failing = false;
    await p.process(c2.id);
    expect((await real.getInboundEvent(c2.id))?.status).toBe('processed');
    expect((await real.getInboundEvent(c3.id))?.status).toBe('processed');
    expect(await texts('+4903')).toEqual(['cem 1', 'cem 2', 'cem 3']);
  });

  it('with a batch size of 1 processes exactly the delivered event', async () => {
    const [d1, d2] = [message('d1', '+4904', 'dan 1'), message('d2', '+4904', 'dan 2')];
    if (!d1 || !d2) throw new Error('events');
    await t.sb.store.insertInboundEvents([d1, d2]);
    const single = new InboundProcessor(t.sb.hub.deps, t.sb.hub.connections, undefined, { batchSize: 1 });
    await single.process(d1.id);
    expect((await t.sb.store.getInboundEvent(d2.id))?.status).toBe('pending');
    await single.process(d2.id);
    expect(await texts('+4904')).toEqual(['dan 1', 'dan 2']);
  });
});
