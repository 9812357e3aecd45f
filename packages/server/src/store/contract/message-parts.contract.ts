/**
 * Store contract, message parts: a part is kept once per (connection, group, index), every part of a group comes back
 * by index, other groups and connections stay apart, and a group is forgotten as a whole.
 */
import { describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import type { MessagePartRecord } from '../../core/ports/index.js';
import { now, type StoreContext } from './context.js';

export function messagePartsContract(ctx: StoreContext): void {
  describe('message parts', () => {
    const part = (groupKey: string, partIndex: number, text = `p${partIndex}`): MessagePartRecord => ({
      connectionId: ctx.connection.id,
      groupKey,
      partIndex,
      total: 3,
      event: JSON.stringify({ text }),
      receivedAt: now(),
    });

    it('keeps each part once, answers the group by index, and forgets the group', async () => {
      const { store } = ctx;
      const group = `+1555:${newId('msg')}:3`;
      const other = `+1555:${newId('msg')}:3`;
      expect((await store.addMessagePart(part(group, 3))).map((p) => p.partIndex)).toEqual([3]);
      await store.addMessagePart(part(other, 1));
      // a re-delivered part does not replace the first copy
      const again = await store.transaction((tx) => tx.addMessagePart(part(group, 3, 'changed')));
      expect(again.map((p) => JSON.parse(p.event) as unknown)).toEqual([{ text: 'p3' }]);
      const all = await store.addMessagePart(part(group, 1));
      expect(all.map((p) => [p.partIndex, p.total, p.groupKey])).toEqual([
        [1, 3, group],
        [3, 3, group],
      ]);
      await store.deleteMessageParts(ctx.connection.id, group);
      expect((await store.addMessagePart(part(group, 2))).map((p) => p.partIndex)).toEqual([2]);
      expect((await store.addMessagePart(part(other, 2))).map((p) => p.partIndex)).toEqual([1, 2]);
      await store.transaction((tx) => tx.deleteMessageParts(ctx.connection.id, group));
      await store.deleteMessageParts(ctx.connection.id, other);
    });

    it('serialises two transactions adding parts of one group: the second sees the first', async () => {
      const { store } = ctx;
      const group = `+1555:${newId('msg')}:2`;
      const [a, b] = await Promise.all([
        store.transaction((tx) => tx.addMessagePart({ ...part(group, 1), total: 2 })),
        store.transaction((tx) => tx.addMessagePart({ ...part(group, 2), total: 2 })),
      ]);
      expect(Math.max(a.length, b.length)).toBe(2);
      await store.deleteMessageParts(ctx.connection.id, group);
    });
  });
}
