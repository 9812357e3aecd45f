/**
 * Store contract, consents: one row per (workspace, channel type, address), replaced on every change (opt out, opt
 * back in); a contact's consents are those of its identities; another workspace's rows are out of reach.
 */
import { describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import type { ConsentRecord } from '../../core/ports/index.js';
import { now, type StoreContext } from './context.js';

export function consentsContract(ctx: StoreContext): void {
  describe('consents', () => {
    const consent = (overrides: Partial<ConsentRecord>): ConsentRecord => ({
      workspaceId: ctx.ws,
      channelType: 'whatsapp',
      address: '+15550100001',
      optedOut: true,
      optedOutAt: now(),
      source: 'keyword',
      keyword: 'STOP',
      updatedAt: now(),
      ...overrides,
    });

    it('stores an opt-out, replaces it with an opt-in, and keeps workspaces apart', async () => {
      const { store } = ctx;
      const address = `+1555${Math.floor(Math.random() * 1e7)}`;
      expect(await store.getConsent(ctx.ws, 'whatsapp', address)).toBeUndefined();
      const out = consent({ address, optedOutAt: '2026-01-02T03:04:05.000Z', updatedAt: '2026-01-02T03:04:05.000Z' });
      await store.upsertConsent(out);
      expect(await store.getConsent(ctx.ws, 'whatsapp', address)).toEqual(out);
      expect(await store.getConsent(ctx.otherWs, 'whatsapp', address)).toBeUndefined();
      expect(await store.getConsent(ctx.ws, 'telegram', address)).toBeUndefined();
      const back = { ...out, optedOut: false, source: 'operator' as const, keyword: null, updatedAt: now() };
      await store.transaction((tx) => tx.upsertConsent(back));
      expect(await store.getConsent(ctx.ws, 'whatsapp', address)).toEqual(back);
    });

    it("lists a contact's consents through its identities, by channel type", async () => {
      const { store } = ctx;
      const contactId = newId('ct');
      await store.insertContact({
        id: contactId,
        workspaceId: ctx.ws,
        name: 'Consenting',
        attributes: {},
        createdAt: now(),
        updatedAt: now(),
      });
      const phone = `+1555${Math.floor(Math.random() * 1e7)}`;
      const chat = `chat-${newId('ct')}`;
      for (const [channelType, address] of [
        ['whatsapp', phone],
        ['telegram', chat],
      ] as const)
        await store.insertIdentity({
          id: newId('cid'),
          workspaceId: ctx.ws,
          contactId,
          channelType,
          address,
          connectionId: null,
          createdAt: now(),
        });
      expect(await store.listContactConsents(ctx.ws, contactId)).toEqual([]);
      const wa = consent({ address: phone });
      const tg = consent({ channelType: 'telegram', address: chat, source: 'api', keyword: null });
      // the same address on another workspace or channel type is not this contact's
      await store.upsertConsent(consent({ workspaceId: ctx.otherWs, channelType: 'telegram', address: chat }));
      await store.upsertConsent(consent({ channelType: 'sms', address: phone }));
      await store.upsertConsent(wa);
      await store.upsertConsent(tg);
      expect(await store.listContactConsents(ctx.ws, contactId)).toEqual([tg, wa]);
      expect(await store.listContactConsents(ctx.otherWs, contactId)).toEqual([]);
    });
  });
}
