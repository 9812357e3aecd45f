/**
 * @module store/sql/message-part-queries
 * The MessagePartStoreOps port (core/ports/message-part-store.ts) over Kysely, for both dialects: one row per part in
 * message_parts (0017_vonage). Row 0 of a group is its lock: upserting it first takes a row lock in PostgreSQL, so a
 * second transaction adding a part of the same group waits for the first and then sees its part (READ COMMITTED
 * reads a fresh snapshot per statement); SQLite serialises writers anyway.
 */
import type { Selectable } from 'kysely';
import type { MessagePartRecord, MessagePartStoreOps } from '../../core/ports/index.js';
import type { MessagePartsTable } from './schema.js';
import { Queries } from './queries.js';

const toPart = (r: Selectable<MessagePartsTable>): MessagePartRecord => ({
  connectionId: r.connection_id,
  groupKey: r.group_key,
  partIndex: Number(r.part_index),
  total: Number(r.total),
  event: r.event,
  receivedAt: r.received_at,
});

export class MessagePartQueries extends Queries implements MessagePartStoreOps {
  async addMessagePart(part: MessagePartRecord): Promise<MessagePartRecord[]> {
    const key = { connection_id: part.connectionId, group_key: part.groupKey };
    await this.db
      .insertInto('message_parts')
      .values({ ...key, part_index: 0, total: part.total, event: '{}', received_at: part.receivedAt })
      .onConflict((oc) =>
        oc.columns(['connection_id', 'group_key', 'part_index']).doUpdateSet({ received_at: part.receivedAt }),
      )
      .execute();
    await this.db
      .insertInto('message_parts')
      .values({
        ...key,
        part_index: part.partIndex,
        total: part.total,
        event: part.event,
        received_at: part.receivedAt,
      })
      .onConflict((oc) => oc.columns(['connection_id', 'group_key', 'part_index']).doNothing())
      .execute();
    const rows = await this.db
      .selectFrom('message_parts')
      .selectAll()
      .where('connection_id', '=', part.connectionId)
      .where('group_key', '=', part.groupKey)
      .where('part_index', '>', 0)
      .orderBy('part_index')
      .execute();
    return rows.map(toPart);
  }

  async deleteMessageParts(connectionId: string, groupKey: string): Promise<void> {
    await this.db
      .deleteFrom('message_parts')
      .where('connection_id', '=', connectionId)
      .where('group_key', '=', groupKey)
      .execute();
  }
}
