/**
 * @module core/inbound/message-parts
 * A message a provider delivers in parts (a concatenated SMS, e.g. Vonage's concat-ref/part/total) is written once,
 * whole: each part is kept in the store in the transaction that marks its raw event processed (so an acknowledged
 * part survives a restart), and the part completing the group yields one message whose text is the parts' texts in
 * index order, with the first part's id, sender and time. Parts may arrive in any order.
 */
import { InboundMessageEventSchema, type InboundMessageEvent } from '../../model/index.js';
import type { MessagePartStoreOps } from '../ports/index.js';

/** the whole message once the last part of its group arrived; undefined while parts are missing */
export async function assembleMessagePart(
  tx: MessagePartStoreOps,
  connectionId: string,
  event: InboundMessageEvent,
  now: string,
): Promise<InboundMessageEvent | undefined> {
  const part = event.part;
  if (!part) return event;
  const { part: _part, ...rest } = event;
  const parts = await tx.addMessagePart({
    connectionId,
    groupKey: part.group,
    partIndex: part.index,
    total: part.total,
    event: JSON.stringify(rest),
    receivedAt: now,
  });
  const byIndex = new Map(parts.map((p) => [p.partIndex, p]));
  const ordered: InboundMessageEvent[] = [];
  for (let i = 1; i <= part.total; i++) {
    const p = byIndex.get(i);
    if (!p) return undefined;
    const parsed = InboundMessageEventSchema.safeParse(JSON.parse(p.event));
    if (!parsed.success) return undefined;
    ordered.push(parsed.data);
  }
  await tx.deleteMessageParts(connectionId, part.group);
  const first = ordered[0] as InboundMessageEvent;
  const text = ordered.map((e) => (e.content.type === 'text' ? e.content.text : '')).join('');
  return {
    ...first,
    content: { type: 'text', text },
    metadata: { ...first.metadata, parts: ordered.map((e) => e.providerMessageId) },
  };
}
