/**
 * An operator's reply is one user action and one transaction: the reply is queued and the conversation taken over
 * from its agent together, or neither. A fault injected into the takeover (after the reply's own rows were written
 * in the same transaction) must leave no queued reply behind while the agent still owns the conversation — the
 * state a crash between two transactions used to leave.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing/test-server.js';
import { newOperator, newVisitor, routedConversation, type Operator } from '../../testing/routing-fixtures.js';
import type { Store, StoreOps } from '../ports/index.js';
import { MessageQueue } from '../outbound/message-queue.js';
import { Ownership } from './ownership.js';
import { RoutingCommands } from './routing-commands.js';

/** the store, except that inside a transaction changing who handles a conversation fails */
function failingTakeover(store: Store): Store {
  const faultyOps = (tx: StoreOps): StoreOps =>
    new Proxy(tx, {
      get(target, prop, receiver) {
        if (prop !== 'routing') return Reflect.get(target, prop, receiver) as unknown;
        return new Proxy(target.routing, {
          get(routing, name, r) {
            if (name === 'setConversationRouting')
              return () => Promise.reject(new Error('injected fault in the takeover'));
            return Reflect.get(routing, name, r) as unknown;
          },
        });
      },
    });
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'transaction')
        return <T>(fn: (tx: StoreOps) => Promise<T>) => target.transaction((tx) => fn(faultyOps(tx)));
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

describe('an operator reply', () => {
  let t: TestServer;
  let conn: string;
  let ana: Operator;

  beforeAll(async () => {
    t = await startTestServer();
    conn = (await t.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'Support chat' })).body
      .id;
    await t.api('POST', `/api/v1/connections/${conn}/start`);
    ana = await newOperator(t, 'ana.reply@example.com');
    const bot = await t.api<{ id: string }>('POST', '/api/v1/agents', {
      kind: 'flow',
      name: 'Bot',
      config: { greeting: 'Hi, I am the bot.', fallback: 'Sorry?', maxMisses: 5 },
    });
    await t.api('PUT', `/api/v1/agents/${bot.body.id}/connections`, {
      connections: [{ connectionId: conn, inbound: true }],
    });
    expect((await t.api<{ status: string }>('POST', `/api/v1/agents/${bot.body.id}/start`)).body.status).toBe(
      'RUNNING',
    );
  });
  afterAll(() => t.close());

  it('queues the reply and takes the conversation over in one transaction: a failed takeover queues nothing', async () => {
    const v = await newVisitor(t, conn);
    await v.say('hello');
    const c = await routedConversation(t, conn, v.visitorId);
    expect(c.handler).toBe('agent');
    const { hub } = t.sb;
    const ws = t.sb.bootstrap.workspaceId;
    const outboundIds = async () =>
      (await t.sb.store.listRecentMessages(c.id, 100)).filter((m) => m.direction === 'outbound').map((m) => m.id);
    const before = await outboundIds();

    const store = failingTakeover(t.sb.store);
    const deps = { ...hub.deps, store };
    const faulty = new RoutingCommands(
      deps,
      new MessageQueue(deps, hub.connections, hub.templates, (ws, c) => hub.media.prepareOutbound(ws, c)),
      hub.teams,
      hub.routingDecisions,
      new Ownership(hub.teams),
    );
    await expect(
      faulty.reply(ws, c.id, ana.id, { type: 'text', text: 'Ana here, I will take it from here.' }),
    ).rejects.toThrow('injected fault in the takeover');
    // nothing of the reply was stored, and the agent still owns the conversation
    expect(await outboundIds()).toEqual(before);
    expect(await t.sb.store.getConversation(ws, c.id)).toMatchObject({ handler: 'agent' });

    // the same reply through the hub: both happen
    const sent = await hub.routingCommands.reply(ws, c.id, ana.id, {
      type: 'text',
      text: 'Ana here, I will take it from here.',
    });
    expect(await outboundIds()).toContain(sent.id);
    expect(await t.sb.store.getConversation(ws, c.id)).toMatchObject({ handler: 'human', assigneeId: ana.id });
  });
});
