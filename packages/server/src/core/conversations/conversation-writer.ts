/**
 * @module core/conversations/conversation-writer
 * Writes normalized inbound events inside the caller's transaction: contact + identity upsert, conversation
 * find-or-open, message insert-or-ignore (the dedup), forward-only statuses, and the outbox rows describing it.
 * Every "find or create" leans on a unique constraint, so concurrent writers cannot create twins.
 */
import {
  callPreview,
  contentPreview,
  isFinalCallState,
  isForwardStatus,
  newId,
  MESSAGE_STATUSES,
  type Content,
  type Message,
  type InboundContactEvent,
  type InboundMessageEvent,
  type InboundStatusEvent,
  type MessageStatus,
  type StatusDetail,
} from '../../model/index.js';
import { eventRow, TOPIC_ROUTING } from '../events.js';
import { providerAddress, type AddressRules } from '../contacts/address-normalizer.js';
import { answerToOffer } from '../degradation/choice-reply.js';
import { profileJobRow } from '../contacts/profile-jobs.js';
import type {
  ConnectionRecord,
  ContactRecord,
  ConversationRecord,
  MessageRecord,
  NewOutboxRow,
  StoreOps,
} from '../ports/index.js';

/** turns provider files in inbound content into pending attachments with our URLs (MediaService.registerInbound) */
export type RegisterInboundMedia = (
  tx: StoreOps,
  workspaceId: string,
  connectionId: string,
  messageId: string,
  content: Content,
  now: string,
  outbox: NewOutboxRow[],
) => Promise<Content>;

export interface WriteContext {
  tx: StoreOps;
  registerMedia?: RegisterInboundMedia;
  connection: ConnectionRecord;
  now: string;
  windowHours: number | undefined;
  /** the connection's address kind and region: every spelling of one customer address meets one identity */
  addressRules: AddressRules;
  outbox: NewOutboxRow[];
  /** the channel looks customers' profiles up (features.profile): a new identity asks for its profile once */
  profiles?: boolean;
  /** media keys whose bytes the caller deletes after the commit (the files of a deleted message nobody keeps) */
  droppedMedia?: string[];
}

export function messageView(m: Message): Message {
  return {
    id: m.id,
    conversationId: m.conversationId,
    connectionId: m.connectionId,
    channelType: m.channelType,
    direction: m.direction,
    from: m.from,
    to: m.to,
    content: m.content,
    status: m.status,
    statusDetail: m.statusDetail,
    statusAt: m.statusAt ?? null,
    providerMessageId: m.providerMessageId,
    timestamp: m.timestamp,
    editedAt: m.editedAt,
    metadata: m.metadata,
  };
}

export interface ConversationWindow {
  expiresAt: string;
  /** free-form messages allowed */
  open: boolean;
  /** we opened with a business-initiated template and the customer has not answered yet */
  awaitingReply: boolean;
  /**
   * when that template went (null when none waits): another may go `windowHours` after it, not before
   * (message-queue's 409), so the app offers no template to send until then
   */
  templateSentAt: string | null;
  /**
   * channels with a human-agent extension (Messenger/Instagram HUMAN_AGENT): until when a human operator's reply may
   * still go after the standard window closed, and whether only such a reply may go now
   */
  humanAgentExpiresAt?: string | null;
  humanAgentOnly?: boolean;
}

/**
 * The human-agent extension of a windowed channel (capabilities.humanAgentWindowHours): open while the standard window
 * is closed and the customer's last message is less than `hours` old. One rule for every channel that declares it.
 */
export function humanAgentWindow(
  c: Pick<ConversationRecord, 'lastInboundAt' | 'windowExpiresAt'>,
  hours: number | undefined,
  now: Date,
): { expiresAt: string | null; open: boolean } | undefined {
  if (hours === undefined || c.windowExpiresAt === null) return undefined;
  if (c.lastInboundAt === null) return { expiresAt: null, open: false };
  const expiresAt = new Date(Date.parse(c.lastInboundAt) + hours * 3_600_000);
  return { expiresAt: expiresAt.toISOString(), open: expiresAt.getTime() > now.getTime() };
}

export interface ConversationView extends Omit<
  ConversationRecord,
  | 'workspaceId'
  | 'windowExpiresAt'
  | 'lastInboundAt'
  | 'lastBusinessTemplateAt'
  | 'handler'
  | 'agentId'
  | 'teamId'
  | 'tags'
  | 'subject'
> {
  /** a mail thread's subject (null on channels without subjects) */
  subject: string | null;
  /** the provider's customer-service window, on channels that have one (null elsewhere) */
  window: ConversationWindow | null;
  // who handles it (always present in the view)
  handler: 'agent' | 'human' | null;
  agentId: string | null;
  teamId: string | null;
  tags: string[];
}

export function awaitingReply(c: Pick<ConversationRecord, 'lastBusinessTemplateAt' | 'lastInboundAt'>): boolean {
  return c.lastBusinessTemplateAt !== null && (c.lastInboundAt === null || c.lastInboundAt < c.lastBusinessTemplateAt);
}

export function conversationView(
  c: ConversationRecord,
  now: Date = new Date(),
  humanAgentWindowHours?: number,
): ConversationView {
  const extension = humanAgentWindow(c, humanAgentWindowHours, now);
  return {
    id: c.id,
    contactId: c.contactId,
    connectionId: c.connectionId,
    channelType: c.channelType,
    address: c.address,
    threadKey: c.threadKey,
    status: c.status,
    assigneeId: c.assigneeId,
    senderAddress: c.senderAddress,
    window:
      c.windowExpiresAt === null
        ? null
        : {
            expiresAt: c.windowExpiresAt,
            open: Date.parse(c.windowExpiresAt) > now.getTime(),
            awaitingReply: awaitingReply(c),
            templateSentAt: awaitingReply(c) ? c.lastBusinessTemplateAt : null,
            ...(extension
              ? {
                  humanAgentExpiresAt: extension.expiresAt,
                  humanAgentOnly: extension.open && Date.parse(c.windowExpiresAt) <= now.getTime(),
                }
              : {}),
          },
    lastMessageAt: c.lastMessageAt,
    lastMessagePreview: c.lastMessagePreview,
    unreadCount: c.unreadCount,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    // who handles it
    handler: c.handler ?? null,
    agentId: c.agentId ?? null,
    teamId: c.teamId ?? null,
    tags: c.tags ?? [],
    subject: c.subject ?? null,
  };
}

/** Finds the contact behind a channel address, creating contact + identity when new. */
export async function upsertContact(
  tx: StoreOps,
  workspaceId: string,
  channelType: string,
  address: string,
  name: string | undefined,
  connectionId: string,
  now: string,
  outbox: NewOutboxRow[],
  attributes?: Record<string, string>,
): Promise<{ contactId: string; created: boolean }> {
  const found = await tx.findIdentity(workspaceId, channelType, address);
  // the identity may have been read just before a merge moved it: the share lock waits for that merge to commit and
  // then follows merged_into, so the message lands on the survivor, never on a tombstone
  const liveId = found && (await tx.liveContactId(workspaceId, found.contactId));
  const existing = found && liveId ? { ...found, contactId: liveId } : undefined;
  // webchat: attributes the customer gave (offline form email) are merged into an existing contact
  if (existing && attributes && Object.keys(attributes).length > 0)
    await tx.mergeContactAttributes(existing.contactId, attributes, now);
  if (existing) {
    if (name) {
      const contact = await tx.getContact(workspaceId, existing.contactId);
      if (contact && !contact.name) await tx.updateContactName(contact.id, name, now);
    }
    return { contactId: existing.contactId, created: false };
  }
  const contact: ContactRecord = {
    id: newId('ct'),
    workspaceId,
    name: name ?? null,
    attributes: { ...attributes },
    createdAt: now,
    updatedAt: now,
  };
  await tx.insertContact(contact);
  const inserted = await tx.insertIdentity({
    id: newId('cid'),
    workspaceId,
    contactId: contact.id,
    channelType,
    address,
    connectionId,
    createdAt: now,
  });
  if (!inserted) {
    // another writer created the identity between our read and insert: use theirs
    await tx.deleteContact(contact.id);
    const winner = await tx.findIdentity(workspaceId, channelType, address);
    if (!winner) throw new Error('identity vanished during upsert');
    if (attributes && Object.keys(attributes).length > 0)
      await tx.mergeContactAttributes(winner.contactId, attributes, now);
    return { contactId: winner.contactId, created: false };
  }
  outbox.push(eventRow('contact.created', workspaceId, { contact: { id: contact.id, name: contact.name } }));
  return { contactId: contact.id, created: true };
}

/** Finds the open conversation for (connection, contact, thread), opening one when none is open. */
export async function findOrOpenConversation(
  tx: StoreOps,
  connection: ConnectionRecord,
  contactId: string,
  address: string,
  threadKey: string | null,
  now: string,
  outbox: NewOutboxRow[],
  options: { windowed?: boolean; senderAddress?: string | null; subject?: string } = {},
): Promise<ConversationRecord> {
  const open = await tx.findOpenConversation(connection.id, contactId, threadKey);
  if (open) return open;
  const conversation: ConversationRecord = {
    id: newId('conv'),
    workspaceId: connection.workspaceId,
    contactId,
    connectionId: connection.id,
    channelType: connection.type,
    // on windowed channels a new conversation starts closed: only a template may open it
    address,
    threadKey,
    status: 'open',
    assigneeId: null,
    senderAddress: options.senderAddress ?? null,
    windowExpiresAt: options.windowed ? now : null,
    lastInboundAt: null,
    lastBusinessTemplateAt: null,
    lastMessageAt: null,
    lastMessagePreview: null,
    unreadCount: 0,
    createdAt: now,
    updatedAt: now,
    ...(options.subject ? { subject: options.subject } : {}),
  };
  if (await tx.insertConversation(conversation)) {
    outbox.push(
      eventRow(
        'conversation.created',
        connection.workspaceId,
        { conversation: conversationView(conversation) },
        conversation.id,
      ),
    );
    return conversation;
  }
  const winner = await tx.findOpenConversation(connection.id, contactId, threadKey);
  if (!winner) throw new Error('open conversation vanished during find-or-open');
  return winner;
}

/** how far back the subject fallback of mail threading looks (chatwoot #3868: replies without their headers) */
const SUBJECT_THREAD_DAYS = 30;

/**
 * The thread an inbound message belongs to: its own threadKey when an open conversation has it; else the thread of
 * the sender's conversation holding a message it answers (threadRefs); else the thread of the sender's conversation
 * with the same subject active within 30 days; else its own threadKey (a new conversation). Never another contact's
 * conversation: unrelated mail from someone else must not merge into a thread (chatwoot #15869).
 */
async function threadOf(
  tx: StoreOps,
  connection: ConnectionRecord,
  contactId: string,
  event: InboundMessageEvent,
  now: string,
): Promise<string | null> {
  const own = event.threadKey ?? null;
  if (!event.threadRefs?.length && !event.subject) return own;
  if (await tx.findOpenConversation(connection.id, contactId, own)) return own;
  for (const ref of event.threadRefs ?? []) {
    const earlier = await tx.findMessageByProviderId(connection.id, ref);
    if (!earlier) continue;
    const conversation = await tx.getConversation(connection.workspaceId, earlier.conversationId);
    if (conversation?.contactId === contactId) return conversation.threadKey;
  }
  if (event.subject) {
    const since = new Date(Date.parse(now) - SUBJECT_THREAD_DAYS * 86_400_000).toISOString();
    const same = await tx.findConversationBySubject(connection.id, contactId, event.subject, since);
    if (same) return same.threadKey;
  }
  return own;
}

/** Applies an inbound message; returns false when it was a duplicate (acknowledged and ignored). */
export async function applyInboundMessage(ctx: WriteContext, event: InboundMessageEvent): Promise<boolean> {
  const { tx, connection, now, outbox } = ctx;
  if (event.deleted) {
    // an unsent message: marked deleted, its content replaced by the notice; nothing new is stored
    const original = await tx.findMessageByProviderId(connection.id, event.providerMessageId);
    if (!original || original.direction !== 'inbound' || original.metadata.deletedByCustomer !== undefined)
      return false;
    const metadata = { ...original.metadata, deletedByCustomer: event.timestamp };
    // the workspace may keep what was deleted for its audit, out of the conversation (GET /messages/{id}/deleted-content)
    if ((await tx.getWorkspace(connection.workspaceId))?.keepDeletedContent === true)
      await tx.keepDeletedContent(original.id, original.content);
    // nobody keeps it: its files go too (the bytes once the transaction committed)
    else ctx.droppedMedia?.push(...(await tx.deleteMessageAttachments(original.id)));
    await tx.replaceMessageContent(original.id, event.content);
    await tx.replaceMessageMetadata(original.id, metadata);
    outbox.push(
      eventRow(
        'message.updated',
        connection.workspaceId,
        { message: messageView({ ...original, content: event.content, metadata }) },
        original.conversationId,
      ),
    );
    return false;
  }
  if (event.edit) {
    const original = await tx.findMessageByProviderId(connection.id, event.providerMessageId);
    // an erased message stays erased: the provider's edit of it brings nothing back
    if (original?.metadata.erased !== undefined) return false;
    if (original) {
      await tx.editMessageContent(original.id, event.content, event.timestamp);
      outbox.push(
        eventRow(
          'message.updated',
          connection.workspaceId,
          { message: messageView({ ...original, content: event.content, editedAt: event.timestamp }) },
          original.conversationId,
        ),
      );
      return true;
    }
  }
  // a message already stored (a provider retry) is a duplicate before anything is written for its sender: the retry
  // of an erased contact's message must not bring back their contact and identity
  if (await tx.findMessageByProviderId(connection.id, event.providerMessageId)) return false;
  if (event.echo) return applyEchoMessage(ctx, event);
  const from = providerAddress(ctx.addressRules, event.from.address);
  const { contactId, created } = await upsertContact(
    tx,
    connection.workspaceId,
    connection.type,
    from,
    event.from.name,
    connection.id,
    now,
    outbox,
    event.from.attributes,
  );
  if (created && ctx.profiles) outbox.push(profileJobRow(connection, contactId, from));
  const conversation = await findOrOpenConversation(
    tx,
    connection,
    contactId,
    from,
    await threadOf(tx, connection, contactId, event, now),
    now,
    outbox,
    { windowed: ctx.windowHours !== undefined, ...(event.subject ? { subject: event.subject } : {}) },
  );
  // "2" typed under numbered options (core/degradation) is stored as the button_reply it stands for
  const answer = await answerToOffer(tx, conversation.id, event.content as Content);
  // a reply within a campaign step's attribution window counts for that step (the newest first): the message says
  // so, for the agent or operator routing hands it to, and the thread shows it (core/campaigns)
  const attributed = event.passive ? [] : await tx.campaigns.openAttributions(connection.workspaceId, contactId, now);
  const latest = attributed[0];
  const message = {
    id: newId('msg'),
    workspaceId: connection.workspaceId,
    conversationId: conversation.id,
    connectionId: connection.id,
    channelType: connection.type,
    direction: 'inbound' as const,
    from,
    to: event.to ?? conversation.senderAddress ?? '',
    content: answer?.content ?? (event.content as Content),
    status: 'received' as const,
    providerMessageId: event.providerMessageId,
    timestamp: event.timestamp,
    metadata: {
      ...(event.metadata ?? {}),
      ...(event.from.name ? { profileName: event.from.name } : {}),
      // read by routing: a machine's message is never answered by a machine (core/routing)
      ...(event.automated ? { automated: true } : {}),
      ...answer?.metadata,
      ...(latest
        ? {
            campaignReply: {
              campaignId: latest.campaignId,
              campaignName: latest.campaignName,
              step: latest.stepIndex,
              ...(latest.variant !== null ? { variant: latest.variant } : {}),
            },
          }
        : {}),
    },
    createdAt: now,
  };
  if (!(await tx.insertMessage(message))) return false;
  if (attributed.length > 0) {
    await tx.campaigns.markReplied(
      attributed.map((a) => a.jobId),
      now,
    );
    const events = attributed
      .filter((a) => a.repliedAt === null)
      .map((a) => ({
        id: newId('tev'),
        workspaceId: connection.workspaceId,
        conversationId: conversation.id,
        type: 'campaign.replied',
        actor: `contact:${contactId}`,
        data: {
          campaignId: a.campaignId,
          campaignName: a.campaignName,
          step: a.stepIndex,
          ...(a.variant !== null ? { variant: a.variant } : {}),
          messageId: message.id,
        },
        at: now,
      }));
    if (events.length > 0) {
      await tx.routing.insertConversationEvents(events);
      for (const e of events)
        outbox.push(eventRow('conversation.timeline', connection.workspaceId, { event: e }, conversation.id));
    }
  }
  if (ctx.registerMedia) {
    const content = await ctx.registerMedia(
      tx,
      connection.workspaceId,
      connection.id,
      message.id,
      event.content,
      now,
      outbox,
    );
    if (content !== event.content) {
      await tx.replaceMessageContent(message.id, content);
      message.content = content;
    }
  }
  const windowExpiresAt = ctx.windowHours
    ? new Date(Date.parse(event.timestamp) + ctx.windowHours * 3_600_000).toISOString()
    : null;
  const preview = (await endedCallPreview(ctx, message.metadata)) ?? contentPreview(message.content);
  await tx.incrementUnread(conversation.id, event.timestamp, preview, windowExpiresAt);
  // the customer answered an outstanding business-initiated template. Their provider's timestamp can be no later
  // than our own send time (whole seconds, clock skew), so the reply is recognised by its arrival, not its stamp.
  const answeredTemplate =
    conversation.lastBusinessTemplateAt !== null && awaitingReply({ ...conversation, lastInboundAt: event.timestamp });
  if ((event.to && !conversation.senderAddress) || answeredTemplate) {
    await tx.updateConversation(conversation.id, {
      ...(event.to && !conversation.senderAddress ? { senderAddress: event.to } : {}),
      ...(answeredTemplate ? { lastBusinessTemplateAt: null } : {}),
    });
  }
  outbox.push(
    eventRow(
      'message.received',
      connection.workspaceId,
      { message: messageView({ ...message, statusDetail: null, editedAt: null }) },
      conversation.id,
    ),
  );
  // routing (rules → agent / team / operator) runs after the commit, exactly once per stored message; a passive
  // message (another app owns the thread) is kept without anyone here answering it
  if (!event.passive)
    outbox.push({
      topic: TOPIC_ROUTING,
      key: conversation.id,
      workspaceId: connection.workspaceId,
      payload: { messageId: message.id, conversationId: conversation.id, workspaceId: connection.workspaceId },
    });
  outbox.push(
    eventRow(
      'conversation.updated',
      connection.workspaceId,
      {
        conversation: conversationView(
          {
            ...conversation,
            lastMessageAt: event.timestamp,
            lastMessagePreview: preview,
            unreadCount: conversation.unreadCount + 1,
            windowExpiresAt: windowExpiresAt ?? conversation.windowExpiresAt,
            lastInboundAt: event.timestamp,
            senderAddress: conversation.senderAddress ?? event.to ?? null,
            updatedAt: event.timestamp,
            ...(answeredTemplate ? { lastBusinessTemplateAt: null } : {}),
          },
          new Date(now),
        ),
      },
      conversation.id,
    ),
  );
  return true;
}

/**
 * What the provider told about a customer without a message (a Messenger referral): the contact is found or created
 * (asking for its profile when new) and the attributes merged into it — the latest referral wins.
 */
export async function applyInboundContact(ctx: WriteContext, event: InboundContactEvent): Promise<void> {
  const { tx, connection, now, outbox } = ctx;
  const address = providerAddress(ctx.addressRules, event.from.address);
  const { contactId, created } = await upsertContact(
    tx,
    connection.workspaceId,
    connection.type,
    address,
    undefined,
    connection.id,
    now,
    outbox,
    event.from.attributes,
  );
  if (created && ctx.profiles) outbox.push(profileJobRow(connection, contactId, address));
}

/**
 * The business's own message written from another tool (Messenger echo): stored outbound, `sent`, in the customer's
 * conversation; no unread count, no window change, no routing. Our own sends never get here: their provider id is
 * already stored (the caller's dedup), and connectors drop the echoes they recognise as ours.
 */
async function applyEchoMessage(ctx: WriteContext, event: InboundMessageEvent): Promise<boolean> {
  const { tx, connection, now, outbox } = ctx;
  const customer = providerAddress(ctx.addressRules, event.from.address);
  const { contactId, created } = await upsertContact(
    tx,
    connection.workspaceId,
    connection.type,
    customer,
    undefined,
    connection.id,
    now,
    outbox,
  );
  if (created && ctx.profiles) outbox.push(profileJobRow(connection, contactId, customer));
  const conversation = await findOrOpenConversation(
    tx,
    connection,
    contactId,
    customer,
    event.threadKey ?? null,
    now,
    outbox,
    {
      windowed: ctx.windowHours !== undefined,
    },
  );
  const message = {
    id: newId('msg'),
    workspaceId: connection.workspaceId,
    conversationId: conversation.id,
    connectionId: connection.id,
    channelType: connection.type,
    direction: 'outbound' as const,
    from: event.to ?? conversation.senderAddress ?? '',
    to: customer,
    content: event.content as Content,
    status: 'sent' as const,
    providerMessageId: event.providerMessageId,
    timestamp: event.timestamp,
    metadata: { ...(event.metadata ?? {}), echo: true },
    createdAt: now,
  };
  if (!(await tx.insertMessage(message))) return false;
  const preview = contentPreview(message.content);
  await tx.updateConversation(conversation.id, {
    lastMessageAt: event.timestamp,
    lastMessagePreview: preview,
    updatedAt: now,
  });
  outbox.push(
    eventRow(
      'message.created',
      connection.workspaceId,
      { message: messageView({ ...message, statusDetail: null, editedAt: null }) },
      conversation.id,
    ),
  );
  return true;
}

/**
 * A message a call left behind once it ended (its recording, a voicemail and its transcript: `metadata.call` names
 * the provider's call) keeps the conversation's preview on the call's outcome (core/conversations/call-writer sets
 * it at the end) instead of "Call recording"; what is said during the call previews as itself.
 */
async function endedCallPreview(ctx: WriteContext, metadata: Record<string, unknown>): Promise<string | undefined> {
  if (typeof metadata.call !== 'string') return undefined;
  const call = await ctx.tx.findCallByProviderId(ctx.connection.id, metadata.call);
  if (!call || !isFinalCallState(call.state)) return undefined;
  return callPreview(call, { voicemail: isVoicemail(metadata) });
}

/** a voicemail's recording or its transcript (both connectors' metadata: `voicemail`, `recording.source`) */
export function isVoicemail(metadata: Record<string, unknown>): boolean {
  const recording = metadata.recording as { source?: unknown } | undefined;
  return metadata.voicemail !== undefined || recording?.source === 'voicemail';
}

/** Statuses a message may hold before moving to `next` (forward-only, pain point #8). */
export function allowedPredecessors(next: MessageStatus): MessageStatus[] {
  return MESSAGE_STATUSES.filter((current) => isForwardStatus(current, next));
}

/** Applies a status to a message of ours, forward-only; emits message.status when it moved. */
export async function applyStatusToMessage(
  tx: StoreOps,
  message: MessageRecord,
  status: MessageStatus,
  detail: StatusDetail | null,
  occurredAt: string,
  now: string,
  outbox: NewOutboxRow[],
): Promise<boolean> {
  const moved = await tx.applyStatus(message.id, status, detail, allowedPredecessors(status), now);
  if (moved) {
    outbox.push(
      eventRow(
        'message.status',
        message.workspaceId,
        {
          messageId: message.id,
          status,
          statusDetail: detail,
          occurredAt,
          message: messageView({ ...message, status, statusDetail: detail, statusAt: now }),
        },
        message.conversationId,
      ),
    );
  }
  return moved;
}

/** Applies a provider status callback; an unknown provider id is kept and applied once the send receipt lands. */
export async function applyInboundStatus(ctx: WriteContext, event: InboundStatusEvent): Promise<void> {
  const { tx, connection, now, outbox } = ctx;
  if (event.watermarkFor !== undefined) return applyWatermark(ctx, event, event.watermarkFor);
  const message = await tx.findMessageByProviderId(connection.id, event.providerMessageId);
  const detail = event.detail ?? null;
  await tx.insertStatusEvent({
    id: newId('mse'),
    messageId: message?.id ?? null,
    connectionId: connection.id,
    providerMessageId: event.providerMessageId,
    status: event.status,
    detail,
    occurredAt: event.timestamp,
    applied: Boolean(message),
  });
  if (message) await applyStatusToMessage(tx, message, event.status, detail, event.timestamp, now, outbox);
}

/** how far back a watermark looks: the most recent messages of the customer's open conversation */
const WATERMARK_SCAN = 200;

/** a watermark receipt: every sent outbound message to the customer up to its time moves forward, never back */
async function applyWatermark(ctx: WriteContext, event: InboundStatusEvent, rawCustomer: string): Promise<void> {
  const { tx, connection, now, outbox } = ctx;
  const customer = providerAddress(ctx.addressRules, rawCustomer);
  const identity = await tx.findIdentity(connection.workspaceId, connection.type, customer);
  if (!identity) return;
  const conversation = await tx.findOpenConversation(connection.id, identity.contactId, null);
  if (!conversation) return;
  const upTo = Date.parse(event.timestamp);
  for (const m of await tx.listRecentMessages(conversation.id, WATERMARK_SCAN)) {
    if (m.direction !== 'outbound' || m.providerMessageId === null || Date.parse(m.timestamp) > upTo) continue;
    await applyStatusToMessage(tx, m, event.status, null, event.timestamp, now, outbox);
  }
}
