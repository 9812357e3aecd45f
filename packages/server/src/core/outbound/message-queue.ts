/**
 * @module core/outbound/message-queue
 * Accepts an outbound message from the API (or an agent): checks the channel can carry it and the provider's
 * window allows it, then writes the message as `queued` and its outbox row in one transaction.
 */
import { smsSegments, type Capabilities, type SmsSegments } from '../../channel-kit/index.js';
import { ContentSchema, contentPreview, newId, type Content } from '../../model/index.js';
import { AppError, notFound } from '../errors.js';
import { eventRow, laneOf, outboundKey, TOPIC_OUTBOUND } from '../events.js';
import type { ConversationRecord, MessageRecord, StoreOps } from '../ports/index.js';
import type { CoreDeps } from '../deps.js';
import type { ConnectionService } from '../connections/connection-service.js';
import {
  awaitingReply,
  conversationView,
  humanAgentWindow,
  findOrOpenConversation,
  messageView,
  upsertContact,
} from '../conversations/conversation-writer.js';
import type { TemplateService } from '../templates/template-service.js';
import { TimelineBatch } from '../conversations/timeline.js';
import { addressRulesFor, requireAddress } from '../contacts/address-normalizer.js';
import { assertNotOptedOut, optOutChannel } from '../consent/consent-service.js';
import { connectionTarget, degradationNote, degrade, type Degraded } from '../degradation/degrade.js';
import { capabilitiesFor } from '../../channel-kit/index.js';

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

/** a campaign's send: what the message is part of (stored as `metadata.campaign`; its lane yields to replies) */
export interface CampaignSend {
  id: string;
  name: string;
  step: number;
  /** the A/B variant's index and name, for a step with variants */
  variant?: number;
  variantName?: string;
}

/** the text of a content that goes out as an SMS body: the text itself, or a file's caption (MMS) */
function smsBody(content: Content): string | undefined {
  if (content.type === 'text') return content.text;
  if ('media' in content) return content.media.caption;
  return undefined;
}

/** on a channel that counts SMS segments: the encoding and segment count of what goes out, else undefined */
export function segmentsOf(content: Content, caps: Pick<Capabilities, 'smsSegments'>): SmsSegments | undefined {
  if (!caps.smsSegments) return undefined;
  const body = smsBody(content);
  return body === undefined ? undefined : smsSegments(body);
}

/**
 * a text over an SMS channel's limit (Twilio's 1,600 characters) is refused with the limit rather than split: the
 * provider already sends a long body as concatenated segments shown as one message
 */
function assertSmsLength(content: Content, caps: Capabilities, channelName: string): void {
  if (!caps.smsSegments) return;
  const body = smsBody(content);
  if (body === undefined || body.length <= caps.maxTextLength) return;
  throw new AppError(
    'VALIDATION',
    `the text is ${body.length} characters; ${channelName} takes at most ${caps.maxTextLength} in one message`,
    {
      limit: caps.maxTextLength,
      length: body.length,
      fields: [{ field: 'content.text', message: `at most ${caps.maxTextLength} characters` }],
    },
  );
}

/** a transfer that follows a spoken reply on a call: to these operators' numbers (the connection's own when absent) */
export interface CallHandoff {
  transferTo?: string[] | undefined;
}

export class MessageQueue {
  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
    private readonly templates: TemplateService,
    private readonly outboundMedia: OutboundMedia,
    /** a customer-facing link to one of our files, for channels that cannot carry the file itself */
    private readonly shareLink: (url: string) => string = (url) => url,
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
    /** the human operator writing (an API principal); absent for agents, rules and auto-replies */
    operatorId?: string,
    /** on a call: the transfer that follows these words (an agent turn's handoff; never a caller's to choose) */
    call?: CallHandoff,
  ): Promise<MessageRecord> {
    const conversation = await this.deps.store.getConversation(workspaceId, conversationId);
    if (!conversation) throw notFound('conversation');
    return this.enqueue(
      conversation,
      await this.outboundMedia(workspaceId, content),
      metadata,
      within,
      operatorId,
      undefined,
      call,
    );
  }

  /** what the customer will receive for `content` in this conversation (the composer's note); sends nothing */
  async preview(
    workspaceId: string,
    conversationId: string,
    content: Content,
  ): Promise<
    Degraded & {
      channelType: string;
      channelName: string;
      note: string;
      segments?: SmsSegments;
      maxTextLength?: number;
    }
  > {
    const conversation = await this.deps.store.getConversation(workspaceId, conversationId);
    if (!conversation) throw notFound('conversation');
    const connection = await this.connections.get(workspaceId, conversation.connectionId);
    const connector = this.connections.connectorFor(connection.type);
    const plan = degrade(content, connectionTarget(connector, connection.config), this.shareLink);
    const caps = capabilitiesFor(connector, connection.config);
    // an SMS channel: what the first part costs in segments as the operator types (the parts after it are the same text split)
    const first = plan.parts[0];
    const segments = first ? segmentsOf(first, caps) : undefined;
    return {
      ...plan,
      channelType: connection.type,
      channelName: connector.displayName,
      note: degradationNote(plan.degraded, connector.displayName),
      ...(segments ? { segments, maxTextLength: caps.maxTextLength } : {}),
    };
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
    campaign?: CampaignSend,
  ): Promise<MessageRecord> {
    const record = await this.connections.get(workspaceId, connectionId);
    const live = await this.connections.live(record.id);
    const connector = this.connections.connectorFor(record.type);
    // a spoken channel speaks into a call: there is nothing to write into before the call exists
    if (connector.capabilities.spoken)
      throw new AppError(
        'UNSUPPORTED_CONTENT',
        `${connector.displayName} speaks into phone calls: place a call with POST /api/v1/calls instead`,
      );
    // the spelling the customer's own messages arrive with, so both meet one contact and one conversation
    const to = requireAddress(addressRulesFor(connector, record.config), rawTo, 'to');
    // before the contact and conversation are written: an opted-out customer's conversation is not reopened
    await assertNotOptedOut(this.deps.store, workspaceId, record.type, to, optOutChannel(connector, record.config));
    // before the contact and conversation are written: a refused file leaves nothing behind
    const content = await this.outboundMedia(workspaceId, input);
    const senders = live && connector.features.senders ? connector.features.senders(live.config) : [];
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
        windowed: capabilitiesFor(connector, record.config).windowHours !== undefined,
        senderAddress,
        // a mail thread we start carries its subject
        ...(typeof metadata.subject === 'string' ? { subject: metadata.subject } : {}),
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
    return this.enqueue(conversation, content, metadata, within, startedBy, campaign);
  }

  private async enqueue(
    conversation: ConversationRecord,
    input: Content,
    requested: Record<string, unknown>,
    within?: WithinEnqueue,
    operatorId?: string,
    campaign?: CampaignSend,
    call?: CallHandoff,
  ): Promise<MessageRecord> {
    let content = input;
    // the human-agent mark is the hub's decision below, never the caller's; so is who wrote it (`operatorId`: the
    // signed-in operator, shown beside the message; agents name themselves in `agentId`)
    // the same for the campaign mark: it puts the message in the campaign lane and in a campaign's statistics
    // and a call's transfer (`handoffAfter`, `transferTo`): the numbers a call is handed to are the hub's operators,
    // never ones a sender of a message names
    const {
      humanAgentTag: _forged,
      operatorId: _claimed,
      campaign: _campaign,
      handoffAfter: _handoff,
      transferTo: _transfer,
      ...callerMetadata
    } = requested;
    let metadata: Record<string, unknown> =
      operatorId !== undefined && (callerMetadata.agentId ?? null) === null
        ? { ...callerMetadata, operatorId }
        : callerMetadata;
    if (campaign) metadata = { ...metadata, campaign };
    if (call)
      metadata = { ...metadata, handoffAfter: true, ...(call.transferTo ? { transferTo: call.transferTo } : {}) };
    const connection = await this.connections.get(conversation.workspaceId, conversation.connectionId);
    const connector = this.connections.connectorFor(connection.type);
    const caps = capabilitiesFor(connector, connection.config);
    // every send (API, operator reply, agent, auto-reply) passes here; the STOP confirmation is queued elsewhere
    await assertNotOptedOut(
      this.deps.store,
      conversation.workspaceId,
      conversation.channelType,
      conversation.address,
      optOutChannel(connector, connection.config),
    );
    assertSmsLength(content, caps, connector.displayName);
    // a note for the provider's teammates (Intercom) must never reach a customer on a channel that has no notes
    if (metadata.internalNote !== undefined && typeof metadata.internalNote !== 'boolean')
      throw new AppError('VALIDATION', 'metadata.internalNote must be true or false');
    if (metadata.internalNote === true && !connector.features.internalNotes)
      throw new AppError('UNSUPPORTED_CONTENT', `${connector.displayName} has no internal notes; nothing was sent`);
    // what the channel can carry (numbered text for buttons, split text, links for media…), or a 422
    const plan = degrade(content, connectionTarget(connector, connection.config), this.shareLink);
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
      // after the standard window, a channel's human-agent extension lets a person's reply through (Messenger's
      // HUMAN_AGENT tag), never a bot's: an agent, a rule or an auto-reply names no operator, or names its agent
      const extension = humanAgentWindow(conversation, caps.humanAgentWindowHours, now);
      const human = operatorId !== undefined && (metadata.agentId ?? null) === null;
      if (extension?.open && human) metadata = { ...metadata, humanAgentTag: true };
      else if (extension?.open)
        throw new AppError(
          'WINDOW_CLOSED',
          `the ${caps.windowHours}-hour window is closed; until ${extension.expiresAt} only a human operator's reply may be sent`,
          {
            conversationId: conversation.id,
            windowExpiresAt: conversation.windowExpiresAt,
            humanAgentExpiresAt: extension.expiresAt,
          },
        );
      else if (extension)
        throw new AppError(
          'WINDOW_CLOSED',
          `more than ${caps.humanAgentWindowHours} hours have passed since the customer's last message; nothing can be sent until they write again`,
          { conversationId: conversation.id, windowExpiresAt: conversation.windowExpiresAt },
        );
      else
        throw new AppError(
          'WINDOW_CLOSED',
          `the ${caps.windowHours}-hour customer service window is closed; only an approved template can be sent`,
          { conversationId: conversation.id, windowExpiresAt: conversation.windowExpiresAt },
        );
    }
    const at = now.toISOString();
    if (businessInitiated) metadata = { ...metadata, businessInitiated: true };
    // a template was filled in above: send it as prepared
    const sending = content.type === 'template' ? { ...plan, parts: [content] } : plan;
    const messages = this.partsOf(conversation, connection.id, connection.type, sending, content, metadata, at);
    const last = messages[messages.length - 1] as MessageRecord;
    const dropped = sending.parts.length === 0;
    if (dropped)
      this.deps.log.info(
        { conversationId: conversation.id, messageId: last.id, degraded: plan.degraded },
        `${connector.displayName} cannot show ${content.type} messages; dropped`,
      );
    const preview = contentPreview(last.content);
    const updated = {
      ...conversation,
      lastMessageAt: at,
      lastMessagePreview: preview,
      unreadCount: 0,
      updatedAt: at,
      ...(businessInitiated ? { lastBusinessTemplateAt: at } : {}),
    };
    await this.deps.store.transaction(async (tx) => {
      for (const message of messages) {
        // a dropped message is stored failed with its reason (insertMessage writes no detail): queued, then failed
        await tx.insertMessage(dropped ? { ...message, status: 'queued' } : message);
        if (dropped) await tx.applyStatus(message.id, 'failed', message.statusDetail, ['queued'], at);
      }
      if (!dropped)
        await tx.updateConversation(conversation.id, {
          lastMessageAt: at,
          lastMessagePreview: preview,
          unreadCount: 0,
          updatedAt: at,
          ...(businessInitiated ? { lastBusinessTemplateAt: at } : {}),
        });
      await tx.insertOutbox(
        [
          // keyed per sender number: a connection's numbers send in parallel, and the parts of one message in order
          ...(dropped
            ? []
            : messages.map((message) => ({
                topic: TOPIC_OUTBOUND,
                key: outboundKey(connection.id, message.from, laneOf(message.metadata)),
                workspaceId: null,
                payload: { messageId: message.id },
              }))),
          ...messages.map((message) =>
            eventRow('message.created', conversation.workspaceId, { message: messageView(message) }, conversation.id),
          ),
          ...(dropped
            ? []
            : [
                eventRow(
                  'conversation.updated',
                  conversation.workspaceId,
                  { conversation: conversationView(updated, now) },
                  conversation.id,
                ),
              ]),
        ],
        at,
      );
      if (within) await within(tx, messages[0] as MessageRecord, at);
    });
    for (let i = 0; i < messages.length && !dropped; i++) this.deps.metrics.messageCounted('outbound', 'queued');
    this.deps.afterCommit();
    return messages[0] as MessageRecord;
  }

  /**
   * The message rows of a degraded send: one per part, in order, each naming its neighbours (`metadata.part`) so the
   * outbound worker sends a part only after the one before it; the numbered options on the last part, where the
   * inbound writer looks for them. A dropped message (nothing the channel can show) is one row, failed, not sent.
   */
  private partsOf(
    conversation: ConversationRecord,
    connectionId: string,
    channelType: string,
    plan: Degraded,
    original: Content,
    metadata: Record<string, unknown>,
    at: string,
  ): MessageRecord[] {
    // the keys degradation owns are never taken from the caller: a forged `part` could hold a message back
    // forever, forged `choices` would turn a customer's text into a reply they never chose
    const { degraded: _d, choices: _c, part: _p, ...caller } = metadata;
    const contents = plan.parts.length > 0 ? plan.parts : [original];
    const ids = contents.map(() => newId('msg'));
    const count = contents.length;
    return contents.map((content, i) => ({
      id: ids[i] as string,
      workspaceId: conversation.workspaceId,
      conversationId: conversation.id,
      connectionId,
      channelType,
      direction: 'outbound',
      from: conversation.senderAddress ?? '',
      to: conversation.address,
      content,
      status: plan.parts.length > 0 ? 'queued' : 'failed',
      statusDetail:
        plan.parts.length > 0
          ? null
          : { code: 'NOT_SUPPORTED', message: `the channel cannot show ${original.type} messages; not sent` },
      providerMessageId: null,
      timestamp: at,
      editedAt: null,
      metadata: {
        ...caller,
        ...(plan.degraded.length > 0 ? { degraded: plan.degraded } : {}),
        ...(count > 1
          ? { part: { index: i + 1, count, previousId: ids[i - 1] ?? null, nextId: ids[i + 1] ?? null } }
          : {}),
        ...(plan.choices && i === count - 1 ? { choices: plan.choices } : {}),
      },
      attempts: 0,
      nextAttemptAt: null,
      sendStartedAt: null,
      createdAt: at,
    }));
  }
}
