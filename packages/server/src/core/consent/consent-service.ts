/**
 * @module core/consent/consent-service
 * Consent: a customer address that opted out of a channel type (a STOP keyword, an operator, the API, an import)
 * receives nothing more on it until it opts back in. This module holds the three places consent is decided:
 * - applyConsentKeyword: inside the inbound transaction, after the message is stored, a whole-message keyword of
 *   the connection's rules (channel-kit/opt-out.ts) records the opt-out or opt-in, adds a timeline entry and queues
 *   the confirmation text (the one message an opted-out customer still receives, written here so no send check
 *   stands in its way);
 * - assertNotOptedOut: every send path (core/outbound/message-queue.ts) refuses an opted-out address with 422
 *   OPTED_OUT saying when and how, before anything is stored;
 * - ConsentService: the contact's consents for the API, and setting them by hand.
 */
import { matchConsentKeyword, optOutRulesFor, type AnyConnector, type OptOutRules } from '../../channel-kit/index.js';
import {
  contentPreview,
  newId,
  type Content,
  type InboundConsentEvent,
  type InboundMessageEvent,
} from '../../model/index.js';
import { AppError, notFound } from '../errors.js';
import { eventRow, outboundKey, TOPIC_OUTBOUND } from '../events.js';
import { providerAddress } from '../contacts/address-normalizer.js';
import { messageView, type WriteContext } from '../conversations/conversation-writer.js';
import { TimelineBatch } from '../conversations/timeline.js';
import type { ConsentRecord, ConsentSource, MessageRecord, StoreOps } from '../ports/index.js';
import type { CoreDeps } from '../deps.js';

export interface ConsentView {
  channelType: string;
  address: string;
  optedOut: boolean;
  optedOutAt: string | null;
  source: ConsentSource;
  keyword: string | null;
  updatedAt: string;
}

export const consentView = (c: ConsentRecord): ConsentView => ({
  channelType: c.channelType,
  address: c.address,
  optedOut: c.optedOut,
  optedOutAt: c.optedOutAt,
  source: c.source,
  keyword: c.keyword,
  updatedAt: c.updatedAt,
});

const HOW: Record<ConsentSource, (c: ConsentRecord) => string> = {
  keyword: (c) => `by writing "${c.keyword ?? 'STOP'}"`,
  operator: () => 'as recorded by an operator',
  api: () => 'as recorded through the API',
  import: () => 'as recorded by a contact import',
  provider: () => 'in the channel itself (the provider reported their choice)',
};

/** "opted out of WhatsApp on 2026-12-03 14:30 UTC by writing "STOP"": what operators are shown */
export function optedOutReason(c: ConsentRecord, channelName: string): string {
  const when = c.optedOutAt ? ` on ${c.optedOutAt.slice(0, 16).replace('T', ' ')} UTC` : '';
  return `the customer opted out of ${channelName}${when} ${HOW[c.source](c)}`;
}

/** how a refusal names the channel and the way back in (the connection's first opt-in keyword, if it has keywords) */
export function optOutChannel(
  connector: Pick<AnyConnector, 'displayName' | 'features'>,
  config: Record<string, unknown>,
): { name: string; optIn?: string | undefined } {
  return { name: connector.displayName, optIn: optOutRulesFor(connector, config)?.optInKeywords[0] };
}

/**
 * refuses a send to an address that opted out of the channel type: 422 OPTED_OUT, nothing stored. `optIn`: the
 * connection's first opt-in keyword, named in the message when the channel has keywords.
 */
export async function assertNotOptedOut(
  store: Pick<StoreOps, 'getConsent'>,
  workspaceId: string,
  channelType: string,
  address: string,
  channel: { name: string; optIn?: string | undefined },
): Promise<void> {
  const consent = await store.getConsent(workspaceId, channelType, address);
  if (!consent?.optedOut) return;
  const back = channel.optIn ? `they can opt back in by writing ${channel.optIn}, or` : 'to write to them again,';
  throw new AppError(
    'OPTED_OUT',
    `${optedOutReason(consent, channel.name)}; nothing was sent. ${back[0]?.toUpperCase()}${back.slice(1)} an operator can record their opt-in`,
    { channelType, address, optedOutAt: consent.optedOutAt, source: consent.source, keyword: consent.keyword },
  );
}

/**
 * Inside the inbound transaction, after applyInboundMessage stored the message: when its whole text is a keyword of
 * the connection's rules, records the opt-out (or, for an address that is opted out, the opt-in), adds a timeline
 * entry to the conversation and queues the confirmation text. A keyword from an address already in that state
 * changes nothing (a customer answering "yes" to a question is not opting in), except that a repeated STOP is
 * confirmed again.
 */
export async function applyConsentKeyword(
  ctx: WriteContext,
  connector: Pick<AnyConnector, 'capabilities'>,
  rules: OptOutRules | undefined,
  event: InboundMessageEvent,
): Promise<void> {
  if (event.edit) return;
  // the provider's own recognition wins (it answered already); else the connection's keywords on the whole text
  const provider = event.providerConsent;
  const match =
    provider ?? (rules && event.content.type === 'text' ? matchConsentKeyword(rules, event.content.text) : undefined);
  if (!match) return;
  const { tx, connection, now } = ctx;
  const address = providerAddress(ctx.addressRules, event.from.address);
  const identity = await tx.findIdentity(connection.workspaceId, connection.type, address);
  if (!identity) return;
  const conversation = await tx.findOpenConversation(connection.id, identity.contactId, event.threadKey ?? null);
  const before = await tx.getConsent(connection.workspaceId, connection.type, address);
  const optedOut = before?.optedOut === true;
  if (match.kind === 'help') {
    // HELP changes nothing; it is answered (also to an opted-out customer, as carriers require) with the help text
    if (!provider) await queueConsentAnswer(ctx, connector, conversation, event, rules?.helpText, 'help');
    return;
  }
  // an opt-in the provider reports is recorded even without an opt-out here: it lifted its own block
  if (match.kind === 'opt_in' && !optedOut && !provider) return;
  if (!(match.kind === 'opt_out' && optedOut) && !(match.kind === 'opt_in' && !optedOut)) {
    await tx.upsertConsent({
      workspaceId: connection.workspaceId,
      channelType: connection.type,
      address,
      optedOut: match.kind === 'opt_out',
      optedOutAt: match.kind === 'opt_out' ? now : (before?.optedOutAt ?? null),
      source: 'keyword',
      keyword: match.keyword,
      updatedAt: now,
    });
    if (conversation) {
      const batch = new TimelineBatch(connection.workspaceId, conversation.id, now);
      batch.add(match.kind === 'opt_out' ? 'consent.opted_out' : 'consent.opted_in', `contact:${identity.contactId}`, {
        channelType: connection.type,
        keyword: match.keyword,
        source: 'keyword',
      });
      await tx.routing.insertConversationEvents(batch.events);
      ctx.outbox.push(...batch.outbox);
    }
  }
  if (provider) return;
  await queueConsentAnswer(
    ctx,
    connector,
    conversation,
    event,
    match.kind === 'opt_out' ? rules?.confirmation : rules?.optInConfirmation,
    match.kind,
  );
}

/**
 * Inside the inbound transaction: the provider reports the customer's own choice (VK message_deny / message_allow).
 * Recorded whether or not the address has written yet (consent is kept per address); a timeline entry goes to their
 * open conversation on the connection. A report of the state already recorded changes nothing.
 */
export async function applyProviderConsent(ctx: WriteContext, event: InboundConsentEvent): Promise<void> {
  const { tx, connection, now } = ctx;
  const address = providerAddress(ctx.addressRules, event.from.address);
  const optedOut = event.consent === 'opt_out';
  const before = await tx.getConsent(connection.workspaceId, connection.type, address);
  if ((before?.optedOut ?? false) === optedOut) return;
  await tx.upsertConsent({
    workspaceId: connection.workspaceId,
    channelType: connection.type,
    address,
    optedOut,
    optedOutAt: optedOut ? now : (before?.optedOutAt ?? null),
    source: 'provider',
    keyword: null,
    updatedAt: now,
  });
  const identity = await tx.findIdentity(connection.workspaceId, connection.type, address);
  const conversation = identity && (await tx.findOpenConversation(connection.id, identity.contactId, null));
  if (!identity || !conversation) return;
  const batch = new TimelineBatch(connection.workspaceId, conversation.id, now);
  batch.add(optedOut ? 'consent.opted_out' : 'consent.opted_in', `contact:${identity.contactId}`, {
    channelType: connection.type,
    source: 'provider',
  });
  await tx.routing.insertConversationEvents(batch.events);
  ctx.outbox.push(...batch.outbox);
}

/** queues the answer to a consent keyword (a confirmation, the help text): the one message no opt-out holds back */
async function queueConsentAnswer(
  ctx: WriteContext,
  connector: Pick<AnyConnector, 'capabilities'>,
  conversation: Awaited<ReturnType<WriteContext['tx']['findOpenConversation']>>,
  event: InboundMessageEvent,
  text: string | undefined,
  kind: 'opt_out' | 'opt_in' | 'help',
): Promise<void> {
  const { tx, connection, now } = ctx;
  const caps = connector.capabilities;
  if (!conversation || !text || !caps.outbound.includes('text') || text.length > caps.maxTextLength) return;
  const content: Content = { type: 'text', text };
  const message: MessageRecord = {
    id: newId('msg'),
    workspaceId: connection.workspaceId,
    conversationId: conversation.id,
    connectionId: connection.id,
    channelType: connection.type,
    direction: 'outbound',
    from: conversation.senderAddress ?? event.to ?? '',
    to: conversation.address,
    content,
    status: 'queued',
    statusDetail: null,
    providerMessageId: null,
    timestamp: now,
    editedAt: null,
    metadata: { consentConfirmation: kind },
    attempts: 0,
    nextAttemptAt: null,
    sendStartedAt: null,
    createdAt: now,
  };
  await tx.insertMessage(message);
  await tx.updateConversation(conversation.id, { lastMessageAt: now, lastMessagePreview: contentPreview(content) });
  ctx.outbox.push(
    {
      topic: TOPIC_OUTBOUND,
      key: outboundKey(connection.id, message.from),
      workspaceId: null,
      payload: { messageId: message.id },
    },
    eventRow('message.created', connection.workspaceId, { message: messageView(message) }, conversation.id),
  );
}

export class ConsentService {
  constructor(private readonly deps: CoreDeps) {}

  /** the consents of every identity of a contact (addresses that never opted out or in have none) */
  async forContact(workspaceId: string, contactId: string): Promise<ConsentView[]> {
    return (await this.deps.store.listContactConsents(workspaceId, contactId)).map(consentView);
  }

  /**
   * records by hand that a contact opted out of (or back in to) a channel type, on each of their identities of that
   * type (or the one `address` names); a timeline entry in their open conversations on it says who did
   */
  async setForContact(
    workspaceId: string,
    contactId: string,
    input: { channelType: string; optedOut: boolean; address?: string | undefined },
    source: ConsentSource,
    by: string,
  ): Promise<ConsentView[]> {
    const contact = await this.deps.store.getContact(workspaceId, contactId);
    if (!contact || contact.mergedInto !== undefined) throw notFound('contact');
    const identities = (await this.deps.store.listIdentities(contactId)).filter(
      (i) => i.channelType === input.channelType && (input.address === undefined || i.address === input.address),
    );
    if (identities.length === 0)
      throw new AppError(
        'VALIDATION',
        `the contact has no ${input.channelType} identity${input.address ? ` with address ${input.address}` : ''}`,
        { fields: [{ field: input.address ? 'address' : 'channelType', message: 'no such identity' }] },
      );
    const now = this.deps.clock.now().toISOString();
    await this.deps.store.transaction(async (tx) => {
      for (const identity of identities) {
        const before = await tx.getConsent(workspaceId, identity.channelType, identity.address);
        if (before && before.optedOut === input.optedOut) continue;
        await tx.upsertConsent({
          workspaceId,
          channelType: identity.channelType,
          address: identity.address,
          optedOut: input.optedOut,
          optedOutAt: input.optedOut ? now : (before?.optedOutAt ?? null),
          source,
          keyword: null,
          updatedAt: now,
        });
        const open = await tx.listConversations(workspaceId, { contactId, status: 'open' }, { limit: 50 });
        const onIt = open.data.filter((c) => c.channelType === identity.channelType && c.address === identity.address);
        for (const conversation of onIt) {
          const batch = new TimelineBatch(workspaceId, conversation.id, now);
          batch.add(input.optedOut ? 'consent.opted_out' : 'consent.opted_in', by, {
            channelType: identity.channelType,
            source,
          });
          await batch.write(tx, false, new Date(now));
        }
      }
    });
    this.deps.afterCommit();
    return this.forContact(workspaceId, contactId);
  }
}
