/**
 * @module store/store.contract
 * The Store port's contract, run against every implementation (SQLite and a fresh PostgreSQL database): one part
 * per aggregate (store/contract/*.contract.ts). Dedup, compare-and-set and workspace scoping are the properties the
 * pipelines lean on, so they are tested here, once. The last test fails when a store method has no test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../model/index.js';
import type { Store } from '../core/ports/index.js';
import { newConnection, now, type StoreContext } from './contract/context.js';
import { usersContract } from './contract/users.contract.js';
import { connectionsContract } from './contract/connections.contract.js';
import { inboundContract } from './contract/inbound.contract.js';
import { contactsContract } from './contract/contacts.contract.js';
import { conversationsContract } from './contract/conversations.contract.js';
import { attachmentsContract } from './contract/attachments.contract.js';
import { outboxContract } from './contract/outbox.contract.js';
import { pacingContract } from './contract/pacing.contract.js';
import { agentsContract } from './contract/agents.contract.js';
import { webhooksContract } from './contract/webhooks.contract.js';
import { routingContract } from './contract/routing.contract.js';
import { transactionsContract } from './contract/transactions.contract.js';
import { visitorsContract } from './contract/visitors.contract.js';
import { keyCheckContract } from './contract/key-check.contract.js';
import { consentsContract } from './contract/consents.contract.js';
import { messagePartsContract } from './contract/message-parts.contract.js';
import { healthContract } from './contract/health.contract.js';
import { metaConnectContract } from './contract/meta-connect.contract.js';
import { callsContract } from './contract/calls.contract.js';

/** where the store's methods are exercised: this file, its parts, and the routing queries' own test */
const CONTRACT_SOURCES = [
  new URL('./store.contract.ts', import.meta.url),
  ...readdirSync(new URL('./contract/', import.meta.url))
    .filter((f) => f.endsWith('.contract.ts'))
    .map((f) => new URL(`./contract/${f}`, import.meta.url)),
  new URL('./sql/routing-queries.test.ts', import.meta.url),
];

/** every method the store object answers, its prototype chain walked up to Object */
function storeMethods(store: Store): string[] {
  const names = new Set<string>();
  for (
    let proto: object | null = Object.getPrototypeOf(store) as object;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(proto, name)?.value === 'function')
        names.add(name);
    }
  }
  for (const [name, value] of Object.entries(store.routing)) if (typeof value === 'function') names.add(name);
  return [...names].sort();
}

export function runStoreContract(name: string, open: () => Promise<{ store: Store; dispose(): Promise<void> }>): void {
  describe(`store contract: ${name}`, () => {
    let dispose: () => Promise<void>;
    const ctx = { ws: newId('ws'), otherWs: newId('ws'), contactId: newId('ct') } as StoreContext;

    beforeAll(async () => {
      ({ store: ctx.store, dispose } = await open());
      await ctx.store.migrate();
      await ctx.store.migrate(); // idempotent
      for (const id of [ctx.ws, ctx.otherWs]) await ctx.store.insertWorkspace({ id, name: id, createdAt: now() });
      ctx.connection = newConnection(ctx);
      await ctx.store.insertConnection(ctx.connection);
      await ctx.store.insertContact({
        id: ctx.contactId,
        workspaceId: ctx.ws,
        name: 'Ana',
        attributes: { tier: 'gold' },
        createdAt: now(),
        updatedAt: now(),
        tags: [],
      });
    });
    afterAll(async () => {
      await ctx.store.close();
      await dispose();
    });

    it('pings', async () => {
      expect(await ctx.store.ping()).toBe(true);
    });

    // key check first: it expects no sealed secret in the database yet
    keyCheckContract(ctx);
    // inbound next: its retention test counts every finished raw event in the database
    inboundContract(ctx);
    usersContract(ctx);
    connectionsContract(ctx);
    contactsContract(ctx);
    conversationsContract(ctx);
    attachmentsContract(ctx);
    // outbox before the transactions part: its first test reads every unpublished row
    outboxContract(ctx);
    pacingContract(ctx);
    agentsContract(ctx);
    webhooksContract(ctx);
    routingContract(ctx);
    visitorsContract(ctx);
    consentsContract(ctx);
    messagePartsContract(ctx);
    healthContract(ctx);
    metaConnectContract(ctx);
    callsContract(ctx);
    transactionsContract(ctx);

    it('has a test calling every method of the store', () => {
      const sources = CONTRACT_SOURCES.map((url) => readFileSync(url, 'utf8')).join('\n');
      const methods = storeMethods(ctx.store);
      expect(methods.length).toBeGreaterThan(150);
      expect(methods.filter((method) => !new RegExp(`\\.${method}\\(`).test(sources))).toEqual([]);
    });
  });
}
