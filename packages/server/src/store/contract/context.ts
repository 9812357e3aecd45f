/**
 * @module store/contract/context
 * What every part of the store contract (store/store.contract.ts) shares: the store under test, two workspaces (to
 * prove scoping), one connection and one contact created before the parts run, and builders for the rows most
 * tests need. Fields are filled in `beforeAll`, so parts read them inside their tests only.
 */
import { newId } from '../../model/index.js';
import type {
  ConnectionRecord,
  ConversationRecord,
  InboundEventRecord,
  NewMessage,
  Store,
} from '../../core/ports/index.js';

export interface StoreContext {
  store: Store;
  /** the workspace the fixtures live in */
  ws: string;
  /** a second workspace: reads and writes naming it must not reach the first one's rows */
  otherWs: string;
  connection: ConnectionRecord;
  contactId: string;
}

export const now = (offsetMs = 0): string => new Date(Date.now() + offsetMs).toISOString();

export function newConnection(ctx: StoreContext, overrides: Partial<ConnectionRecord> = {}): ConnectionRecord {
  return {
    id: newId('conn'),
    workspaceId: ctx.ws,
    type: 'webchat',
    name: 'c',
    description: '',
    config: { a: 1 },
    status: 'STOPPED',
    statusReason: null,
    deprecated: false,
    createdAt: now(),
    updatedAt: now(),
    ...overrides,
  };
}

export function newConversation(ctx: StoreContext, overrides: Partial<ConversationRecord> = {}): ConversationRecord {
  return {
    id: newId('conv'),
    workspaceId: ctx.ws,
    contactId: ctx.contactId,
    connectionId: ctx.connection.id,
    channelType: 'webchat',
    address: 'addr',
    threadKey: null,
    status: 'open',
    assigneeId: null,
    senderAddress: null,
    windowExpiresAt: null,
    lastInboundAt: null,
    lastBusinessTemplateAt: null,
    lastMessageAt: null,
    lastMessagePreview: null,
    unreadCount: 0,
    createdAt: now(),
    updatedAt: now(),
    ...overrides,
  };
}

/** an open conversation of its own (a fresh thread key), already stored */
export async function storedConversation(
  ctx: StoreContext,
  overrides: Partial<ConversationRecord> = {},
): Promise<ConversationRecord> {
  const row = newConversation(ctx, { threadKey: `thread-${newId('conv')}`, ...overrides });
  if (!(await ctx.store.insertConversation(row))) throw new Error('fixture conversation not inserted');
  return row;
}

export function newMessage(
  ctx: StoreContext,
  conversationId: string,
  providerMessageId: string | null,
  overrides: Partial<NewMessage> = {},
): NewMessage & { createdAt: string } {
  return {
    id: newId('msg'),
    workspaceId: ctx.ws,
    conversationId,
    connectionId: ctx.connection.id,
    channelType: 'webchat',
    direction: 'inbound',
    from: 'a',
    to: 'b',
    content: { type: 'text', text: 'hi' },
    status: 'received',
    providerMessageId,
    timestamp: now(),
    metadata: { k: 'v' },
    createdAt: now(),
    ...overrides,
  };
}

export function newInboundEvent(ctx: StoreContext, overrides: Partial<InboundEventRecord> = {}): InboundEventRecord {
  return {
    id: newId('evt'),
    workspaceId: ctx.ws,
    connectionId: ctx.connection.id,
    eventKey: null,
    method: 'POST',
    url: '/w',
    headers: { 'x-a': '1' },
    body: Buffer.from([0, 1, 2, 255]),
    status: 'pending',
    error: null,
    receivedAt: now(),
    processedAt: null,
    ...overrides,
  };
}
