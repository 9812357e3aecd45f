/**
 * @module core/conversations/conversation-service
 * Reading and steering conversations and contacts for the API: every read is scoped to the caller's workspace,
 * so another workspace's id answers 404.
 */
import { AppError, notFound } from '../errors.js';
import { eventRow, TOPIC_EVENTS } from '../events.js';
import type {
  ContactRecord,
  ConversationFilter,
  ConversationRecord,
  ConversationStatus,
  IdentityRecord,
  MessageRecord,
  Page,
  PageQuery,
} from '../ports/index.js';
import type { CoreDeps } from '../deps.js';
import type { ConnectionService } from '../connections/connection-service.js';
import { conversationView } from './conversation-writer.js';
import { searchSpellings } from '../contacts/address-normalizer.js';
import { phoneRegions } from '../contacts/contact-service.js';

/** the 360 view of a contact, or the survivor a merged-away id now stands for */
export type Contact360 =
  | { mergedInto: string }
  | {
      mergedInto?: undefined;
      contact: ContactRecord;
      identities: IdentityRecord[];
      conversations: ConversationRecord[];
    };

/** the conversations one contact view lists (every channel); beyond it the conversation list pages by contactId */
const CONTACT_CONVERSATIONS = 200;

export class ConversationService {
  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
  ) {}

  async get(workspaceId: string, id: string): Promise<ConversationRecord> {
    const c = await this.deps.store.getConversation(workspaceId, id);
    if (!c) throw notFound('conversation');
    return c;
  }

  list(workspaceId: string, filter: ConversationFilter, page: PageQuery): Promise<Page<ConversationRecord>> {
    return this.deps.store.listConversations(workspaceId, filter, page);
  }

  async messages(workspaceId: string, conversationId: string, page: PageQuery): Promise<Page<MessageRecord>> {
    await this.get(workspaceId, conversationId);
    return this.deps.store.listMessages(conversationId, page);
  }

  async message(workspaceId: string, id: string): Promise<MessageRecord> {
    const m = await this.deps.store.getMessage(workspaceId, id);
    if (!m) throw notFound('message');
    return m;
  }

  /** the audit copy of what a customer deleted (kept only when the workspace keeps deleted content) */
  async deletedContent(
    workspaceId: string,
    id: string,
  ): Promise<{ messageId: string; deletedAt: string; content: MessageRecord['content'] }> {
    const m = await this.message(workspaceId, id);
    const content = await this.deps.store.deletedContent(workspaceId, id);
    const deletedAt = m.metadata.deletedByCustomer;
    if (!content || typeof deletedAt !== 'string') throw notFound('deleted content');
    return { messageId: m.id, deletedAt, content };
  }

  async update(
    workspaceId: string,
    id: string,
    patch: {
      status?: ConversationStatus | undefined;
      assigneeId?: string | null | undefined;
      markRead?: boolean | undefined;
    },
  ): Promise<ConversationRecord> {
    const c = await this.get(workspaceId, id);
    const now = this.deps.clock.now().toISOString();
    const next: ConversationRecord = {
      ...c,
      ...(patch.status ? { status: patch.status } : {}),
      ...(patch.assigneeId !== undefined ? { assigneeId: patch.assigneeId } : {}),
      ...(patch.markRead ? { unreadCount: 0 } : {}),
      updatedAt: now,
    };
    try {
      await this.deps.store.transaction(async (tx) => {
        await tx.updateConversation(id, {
          status: patch.status,
          assigneeId: patch.assigneeId,
          unreadCount: patch.markRead ? 0 : undefined,
          updatedAt: now,
        });
        await tx.insertOutbox(
          [
            eventRow(
              'conversation.updated',
              workspaceId,
              { conversation: conversationView(next, this.deps.clock.now()) },
              id,
            ),
          ],
          now,
        );
      });
    } catch (error) {
      if (patch.status && patch.status !== 'resolved' && c.status === 'resolved') {
        throw new AppError('CONFLICT', 'another conversation with this contact is already open on this connection', {
          cause: String(error),
        });
      }
      throw error;
    }
    this.deps.afterCommit();
    if (patch.markRead) await this.sendReadReceipt(next);
    if (patch.status === 'resolved' && c.status !== 'resolved') await this.tellProviderResolved(next);
    return next;
  }

  /** resolved here: a provider that is itself an inbox (Intercom) closes its conversation too; best effort, logged */
  private async tellProviderResolved(c: ConversationRecord): Promise<void> {
    const live = await this.connections.live(c.connectionId);
    if (!live?.connector.features.resolved || live.record.status !== 'RUNNING') return;
    try {
      await live.connector.features.resolved(
        { threadKey: c.threadKey, address: c.address },
        this.connections.context(live, AbortSignal.timeout(this.deps.settings.connectorTimeoutMs)),
      );
    } catch (error) {
      await this.connections.log(
        c.connectionId,
        'warn',
        'resolve_not_mirrored',
        `conversation ${c.id} was resolved here but not at ${live.connector.displayName}: ${this.deps.redactor.scrub(
          error instanceof Error ? error.message : String(error),
        )}`,
      );
    }
  }

  /** the operator opened the conversation: tell providers that show read receipts to the customer */
  private async sendReadReceipt(c: ConversationRecord): Promise<void> {
    const live = await this.connections.live(c.connectionId);
    if (!live?.connector.features.readReceipts || live.record.status !== 'RUNNING') return;
    const last = await this.deps.store.lastInboundMessage(c.id);
    if (!last?.providerMessageId) return;
    try {
      await live.connector.features.readReceipts(
        { providerMessageId: last.providerMessageId, from: c.senderAddress ?? last.to, customer: c.address },
        this.connections.context(live, AbortSignal.timeout(this.deps.settings.connectorTimeoutMs)),
      );
    } catch (error) {
      this.deps.log.info({ err: error, conversationId: c.id }, 'read receipt not delivered to the provider');
    }
  }

  /** operator typing → the customer sees it (webchat live, providers through connector.features.typing) */
  async typing(workspaceId: string, id: string): Promise<void> {
    const c = await this.get(workspaceId, id);
    await this.deps.bus.publish(TOPIC_EVENTS, {
      key: id,
      payload: {
        type: 'conversation.typing',
        workspaceId,
        conversationId: id,
        data: { conversationId: id, by: 'operator' },
      },
    });
    await this.providerTyping(c);
  }

  /**
   * an agent (bot) is composing its answer: the customer sees the provider's typing indicator (Messenger `typing_on`)
   * while it works; on channels without one nothing happens, and a failure only costs the indicator
   */
  async agentComposing(workspaceId: string, id: string): Promise<void> {
    const c = await this.deps.store.getConversation(workspaceId, id);
    if (c) await this.providerTyping(c);
  }

  private async providerTyping(c: ConversationRecord): Promise<void> {
    const live = await this.connections.live(c.connectionId);
    if (live?.connector.features.typing && live.record.status === 'RUNNING' && live.connector.capabilities.typing) {
      await live.connector.features
        .typing(
          c.threadKey ?? c.address,
          this.connections.context(live, AbortSignal.timeout(this.deps.settings.connectorTimeoutMs)),
        )
        .catch((error: unknown) => {
          this.deps.log.debug({ err: error, conversationId: c.id }, 'typing indicator not delivered');
        });
    }
  }

  /** every contact, or those a search text finds: by name, by any spelling of an identity address, by email */
  async contacts(workspaceId: string, page: PageQuery, q?: string, tag?: string): Promise<Page<ContactRecord>> {
    const text = q?.trim() ?? '';
    if (text === '') return this.deps.store.listContacts(workspaceId, page, tag === undefined ? {} : { tag });
    const phoneish = /^[\d\s\-().+/]+$/.test(text) ? text.replace(/\D/g, '') : '';
    return this.deps.store.searchContacts(
      workspaceId,
      {
        text,
        addresses: searchSpellings(text, await this.phoneRegions(workspaceId)),
        digits: phoneish.length >= 5 ? phoneish : undefined,
        tag,
      },
      page,
    );
  }

  /**
   * a contact with its identities on every channel and its conversations across all channels, most recent first;
   * a merged-away id answers with the contact it was merged into
   */
  async contact360(workspaceId: string, id: string): Promise<Contact360> {
    const contact = await this.deps.store.getContact(workspaceId, id);
    // an erased contact's blank row only keeps its tombstoned messages company: it is gone for the API
    if (!contact || contact.erasedAt !== undefined) throw notFound('contact');
    if (contact.mergedInto !== undefined) {
      let survivor = contact.mergedInto;
      // a survivor may itself have been merged later: answer with the live end of the chain
      for (let hops = 0; hops < 20; hops++) {
        const next = (await this.deps.store.getContact(workspaceId, survivor))?.mergedInto;
        if (next === undefined) break;
        survivor = next;
      }
      return { mergedInto: survivor };
    }
    const [identities, conversations] = await Promise.all([
      this.deps.store.listIdentities(id),
      this.deps.store.listConversations(workspaceId, { contactId: id }, { limit: CONTACT_CONVERSATIONS }),
    ]);
    const recency = (c: ConversationRecord) => c.lastMessageAt ?? c.createdAt;
    return {
      contact,
      identities,
      conversations: [...conversations.data].sort((a, b) =>
        recency(a) < recency(b) ? 1 : recency(a) > recency(b) ? -1 : 0,
      ),
    };
  }

  /** the default regions of the workspace's phone connections: a number typed nationally is read in each */
  private phoneRegions(workspaceId: string): Promise<string[]> {
    return phoneRegions(this.deps, workspaceId);
  }
}
