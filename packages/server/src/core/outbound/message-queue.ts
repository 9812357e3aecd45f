/**
 * @module core/outbound/message-queue
 * Accepts an outbound message from the API (or an agent): checks the channel can carry it and the provider's
 * window allows it, then writes the message as `queued` and its outbox row in one transaction.
 */
import { ContentSchema, contentPreview, newId, type Content } from '../../model/index.js';
import { AppError, notFound } from '../errors.js';
import { eventRow, outboundKey, TOPIC_OUTBOUND } from '../events.js';
import type { ConversationRecord, MessageRecord, StoreOps } from '../ports/index.js';
import type { CoreDeps } from '../deps.js';
import type { ConnectionService } from '../connections/connection-service.js';
import {
  awaitingReply,
  conversationView,
  findOrOpenConversation,
  messageView,
  upsertContact,
} from '../conversations/conversation-writer.js';
import type { TemplateService } from '../templates/template-service.js';
import { TimelineBatch } from '../conversations/timeline.js';
import { addressRulesFor, requireAddress } from '../contacts/address-normalizer.js';
import { assertNotOptedOut, optOutChannel } from '../consent/consent-service.js';

export interface TemplateInput {
  name: string;
  language: string;
  variables?: Record<string, string> | undefined;
}

/**
 * more writes of the same user action, run inside the transaction that queues the message (a reply also takes the
 * conversation over from its agent): both are stored, or neither
 */
export type WithinEnqueue = (tx: StoreOps, message: MessageRecord, at: string) => Promise<void>;

/**
 * Makes an outbound message's media safe before anything is written (the media service: only this hub's own media
 * of the workspace, or an http(s) file fetched into it first); answers the content to send, or throws a 400.
 */
export type OutboundMedia = (workspaceId: string, content: Content) => Promise<Content>;

export class MessageQueue {
  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
    private readonly templates: TemplateService,
    private readonly outboundMedia: OutboundMedia,
  ) {}

  toContent(input: { content?: Content | undefined; template?: TemplateInput | undefined }): Content {
    if (input.content && input.template) throw new AppError('VALIDATION', 'send either content or template, not both');
    if (input.template)
      return {
        type: 'template',
        template: {
          name: input.template.name,
          language: input.template.language,
          variables: input.template.variables ?? {},
        },
      };
    if (!input.content) throw new AppError('VALIDATION', 'content or template is required');
    return ContentSchema.parse(input.content);
  }

  async sendToConversation(
    workspaceId: string,
    conversationId: string,
    content: Content,
    metadata: Record<string, unknown> = {},
    within?: WithinEnqueue,
  ): Promise<MessageRecord> {
    const conversation = await this.deps.store.getConversation(workspaceId, conversationId);
    if (!conversation) throw notFound('conversation');
    return this.enqueue(conversation, await this.outboundMedia(workspaceId, content), metadata, within);
  }

  /**
   * starts (or continues) a conversation with an address on a connection. `startedBy`: the user writing (API); a
   * conversation nobody handles yet becomes theirs (handler human, assigned to them) in the same transaction, so the
   * customer's answer goes to them and not through the bot rules — unless the message names an agent
   * (`metadata.agentId`: a bot writing), which leaves it to routing
   */
  async sendToAddress(
    workspaceId: string,
    connectionId: string,
    rawTo: string,
    input: Content,
    metadata: Record<string, unknown> = {},
    startedBy?: string,
    within?: WithinEnqueue,
  ): Promise<MessageRecord> {
    const record = await this.connections.get(workspaceId, connectionId);
    const live = await this.connections.live(record.id);
    const connector = this.connections.connectorFor(record.type);
    // the spelling the customer's own messages arrive with, so both meet one contact and one conversation
    const to = requireAddress(addressRulesFor(connector, record.config), rawTo, 'to');
    // before the contact and conversation are written: an opted-out customer's conversation is not reopened
    await assertNotOptedOut(this.deps.store, workspaceId, record.type, to, optOutChannel(connector, record.config));
    // before the contact and conversation are written: a refused file leaves nothing behind
    const content = await this.outboundMedia(workspaceId, input);
    const senders = live && connector.senders ? connector.senders(live.config) : [];
    const now = this.deps.clock.now().toISOString();
    const conversation = await this.deps.store.transaction(async (tx) => {
      const outbox: ReturnType<typeof eventRow>[] = [];
      const { contactId } = await upsertContact(tx, workspaceId, record.type, to, undefined, record.id, now, outbox);
      // sticky sender: a customer keeps the number they were first served from; a new one gets the next in rotation
      let senderAddress: string | null = null;
      if (senders.length > 0) {
        const previous = await tx.lastSenderFor(record.id, contactId);
        senderAddress =
          previous && senders.includes(previous)
            ? previous
            : (senders[(await tx.nextSenderRotation(record.id)) % senders.length] as string);
      }
      const conv = await findOrOpenConversation(tx, record, contactId, to, null, now, outbox, {
        windowed: connector.capabilities.windowHours !== undefined,
        senderAddress,
      });
      await tx.insertOutbox(outbox, now);
      // an operator starting a conversation owns it from the start (compare-and-set: routing may have decided first)
      if (
        startedBy !== undefined &&
        (metadata.agentId ?? null) === null &&
        (conv.handler ?? null) === null &&
        (await tx.routing.setConversationRouting(
          conv.id,
          { handler: 'human', assigneeId: startedBy, updatedAt: now },
          { handler: null },
        ))
      ) {
        const batch = new TimelineBatch(workspaceId, conv.id, now);
        batch.add('assigned', `user:${startedBy}`, {
          userId: startedBy,
          teamId: null,
          via: 'started',
          reason: 'the operator started the conversation',
        });
        return (await batch.write(tx, true, new Date(now))) ?? conv;
      }
      return conv;
    });
    this.deps.afterCommit();
    return this.enqueue(conversation, content, metadata, within);
  }

  private async enqueue(
    conversation: ConversationRecord,
    input: Content,
    metadata: Record<string, unknown>,
    within?: WithinEnqueue,
  ): Promise<MessageRecord> {
    let content = input;
    const connection = await this.connections.get(conversation.workspaceId, conversation.connectionId);
    const connector = this.connections.connectorFor(connection.type);
    const caps = connector.capabilities;
    // every send (API, operator reply, agent, auto-reply) passes here; the STOP confirmation is queued elsewhere
    await assertNotOptedOut(
      this.deps.store,
      conversation.workspaceId,
      conversation.channelType,
      conversation.address,
      optOutChannel(connector, connection.config),
    );
    if (!caps.outbound.includes(content.type)) {
      throw new AppError('UNSUPPORTED_CONTENT', `${connector.displayName} cannot send ${content.type} messages`, {
        supported: caps.outbound,
      });
    }
    if (content.type === 'text' && content.text.length > caps.maxTextLength) {
      throw new AppError(
        'VALIDATION',
        `text is longer than ${caps.maxTextLength} characters, the ${connector.displayName} limit`,
      );
    }
    if (content.type === 'interactive' && (content.interactive.buttons?.length ?? 0) > caps.buttons) {
      throw new AppError('UNSUPPORTED_CONTENT', `${connector.displayName} allows at most ${caps.buttons} buttons`);
    }
    const now = this.deps.clock.now();
    const windowOpen =
      conversation.windowExpiresAt !== null && Date.parse(conversation.windowExpiresAt) > now.getTime();
    let businessInitiated = false;
    if (content.type === 'template') {
      if (!caps.templates)
        throw new AppError('UNSUPPORTED_CONTENT', `${connector.displayName} has no message templates`);
      const contact = await this.deps.store.getContact(conversation.workspaceId, conversation.contactId);
      const prepared = await this.templates.prepare(
        connection,
        contact,
        conversation.address,
        content.template.name,
        content.template.language,
        content.template.variables,
      );
      content = {
        type: 'template',
        template: { ...content.template, variables: prepared.values, text: prepared.text },
      };
      if (caps.windowHours !== undefined && !windowOpen) {
        businessInitiated = true;
        // one business-initiated template per customer until they answer (or 24 h pass)
        const last = conversation.lastBusinessTemplateAt;
        if (last && awaitingReply(conversation) && now.getTime() - Date.parse(last) < caps.windowHours * 3_600_000) {
          throw new AppError(
            'CONFLICT',
            `a template was already sent to this customer at ${last} and they have not replied yet; wait for their reply in conversation ${conversation.id}`,
            { conversationId: conversation.id, lastTemplateAt: last },
          );
        }
      }
    } else if (caps.windowHours !== undefined && !windowOpen) {
      throw new AppError(
        'WINDOW_CLOSED',
        `the ${caps.windowHours}-hour customer service window is closed; only an approved template can be sent`,
        { conversationId: conversation.id, windowExpiresAt: conversation.windowExpiresAt },
      );
    }
    const at = now.toISOString();
    const message: MessageRecord = {
      id: newId('msg'),
      workspaceId: conversation.workspaceId,
      conversationId: conversation.id,
      connectionId: connection.id,
      channelType: connection.type,
      direction: 'outbound',
      from: conversation.senderAddress ?? '',
      to: conversation.address,
      content,
      status: 'queued',
      statusDetail: null,
      providerMessageId: null,
      timestamp: at,
      editedAt: null,
      metadata,
      attempts: 0,
      nextAttemptAt: null,
      sendStartedAt: null,
      createdAt: at,
    };
    const preview = contentPreview(content);
    const updated = {
      ...conversation,
      lastMessageAt: at,
      lastMessagePreview: preview,
      unreadCount: 0,
      updatedAt: at,
      ...(businessInitiated ? { lastBusinessTemplateAt: at } : {}),
    };
    if (businessInitiated) message.metadata = { ...message.metadata, businessInitiated: true };
    await this.deps.store.transaction(async (tx) => {
      await tx.insertMessage(message);
      await tx.updateConversation(conversation.id, {
        lastMessageAt: at,
        lastMessagePreview: preview,
        unreadCount: 0,
        updatedAt: at,
        ...(businessInitiated ? { lastBusinessTemplateAt: at } : {}),
      });
      await tx.insertOutbox(
        [
          {
            topic: TOPIC_OUTBOUND,
            key: outboundKey(connection.id, message.from),
            workspaceId: null,
            payload: { messageId: message.id },
          }, // keyed per sender number: a connection's numbers send in parallel
          eventRow('message.created', conversation.workspaceId, { message: messageView(message) }, conversation.id),
          eventRow(
            'conversation.updated',
            conversation.workspaceId,
            { conversation: conversationView(updated, now) },
            conversation.id,
          ),
        ],
        at,
      );
      if (within) await within(tx, message, at);
    });
    this.deps.metrics.messageCounted('outbound', 'queued');
    this.deps.afterCommit();
    return message;
  }
}
