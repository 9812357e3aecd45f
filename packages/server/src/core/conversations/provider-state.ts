/**
 * @module core/conversations/provider-state
 * A conversation changed at a provider that is itself an inbox (Intercom): a teammate there closed it, or assigned it.
 * Written inside the inbound transaction: closing resolves the customer's open conversation of that thread, an
 * assignment is kept on its timeline; both leave a timeline event whose actor names the provider's teammate. Nothing
 * is sent back (the connector drops the changes made as our own admin before they get here).
 */
import type { InboundConversationEvent } from '../../model/index.js';
import { providerAddress } from '../contacts/address-normalizer.js';
import { TimelineBatch } from './timeline.js';
import type { WriteContext } from './conversation-writer.js';

export async function applyInboundConversation(ctx: WriteContext, event: InboundConversationEvent): Promise<void> {
  const { tx, connection, now } = ctx;
  const customer = providerAddress(ctx.addressRules, event.from.address);
  const identity = await tx.findIdentity(connection.workspaceId, connection.type, customer);
  if (!identity) return;
  const conversation = await tx.findOpenConversation(connection.id, identity.contactId, event.threadKey ?? null);
  if (!conversation) return; // closed already, or never mirrored here: nothing to reflect
  const actor = `provider:${connection.type}${event.by?.id ? `:${event.by.id}` : ''}`;
  const batch = new TimelineBatch(connection.workspaceId, conversation.id, now);
  if (event.change === 'closed') {
    // a close that arrives late, after the customer wrote again (which reopened it there), is history: kept open
    if (conversation.lastInboundAt !== null && Date.parse(conversation.lastInboundAt) > Date.parse(event.timestamp))
      return;
    await tx.updateConversation(conversation.id, { status: 'resolved', updatedAt: now });
    batch.add('resolved', actor, {
      assigneeId: conversation.assigneeId,
      via: 'provider',
      ...(event.by?.name ? { byName: event.by.name } : {}),
      at: event.timestamp,
    });
    await batch.write(tx, true, new Date(now));
    return;
  }
  batch.add('assigned', actor, {
    via: 'provider',
    providerAssignee: event.assignee ?? null,
    ...(event.by?.name ? { byName: event.by.name } : {}),
    at: event.timestamp,
  });
  await batch.write(tx, false, new Date(now));
}
