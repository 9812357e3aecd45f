/** @module api/routes/conversation-routes — contacts, conversations and messages under /api/v1. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Hub } from '../../core/hub.js';
import { conversationView, messageView } from '../../core/conversations/conversation-writer.js';
import { segmentsOf } from '../../core/outbound/message-queue.js';
import { ContentSchema, type Message } from '../../model/index.js';
import { contactView } from './contact-routes.js';
import { principalOf, requireRole } from '../auth.js';
import {
  Contact360Schema,
  ContactQuerySchema,
  ContactSchema,
  ConversationQuerySchema,
  MergedContactSchema,
  ConversationSchema,
  DeliveryPreviewSchema,
  ErrorSchema,
  IdParams,
  MessageOut,
  PageQuerySchema,
  QueuedMessageOut,
  PreviewRequestSchema,
  SendMessageSchema,
  SendToConversationSchema,
  UpdateConversationSchema,
  pageOf,
} from '../schemas.js';

/** the queued message as answered: on a channel counting SMS segments, with the segments of its text */
function queuedViewOf(hub: Hub, message: Message): Message & { segments?: ReturnType<typeof segmentsOf> } {
  const segments = segmentsOf(message.content, hub.connections.connectorFor(message.channelType).capabilities);
  return { ...messageView(message), ...(segments ? { segments } : {}) };
}

export function conversationRoutes(app: FastifyInstance, hub: Hub): void {
  const queuedView = (message: Message) => queuedViewOf(hub, message);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 422: ErrorSchema };
  const now = () => hub.deps.clock.now();
  // the channel's human-agent extension of its window (Messenger/Instagram), shown with the window
  const humanHours = (type: string): number | undefined => {
    try {
      return hub.connections.connectorFor(type).capabilities.humanAgentWindowHours;
    } catch {
      return undefined;
    }
  };

  r.get(
    '/contacts',
    {
      schema: {
        tags: ['contacts'],
        summary:
          'Contacts, newest first; with q, those found by name, by any spelling of a phone number or other identity address, or by email',
        querystring: ContactQuerySchema,
        response: { 200: pageOf(ContactSchema), ...errors },
      },
    },
    async (req) => {
      const { q, tag, ...page } = req.query;
      const found = await hub.conversations.contacts(principalOf(req).workspaceId, page, q, tag);
      return { data: found.data.map(contactView), nextCursor: found.nextCursor };
    },
  );

  r.get(
    '/contacts/:id',
    {
      schema: {
        tags: ['contacts'],
        summary:
          'A contact with its identities on every channel and its conversations across all channels, most recent first. A contact merged into another answers 301 with {mergedInto}',
        params: IdParams,
        response: { 200: Contact360Schema, 301: MergedContactSchema, ...errors },
      },
    },
    async (req, reply) => {
      const found = await hub.conversations.contact360(principalOf(req).workspaceId, req.params.id);
      if (found.mergedInto !== undefined)
        return reply
          .code(301)
          .header('location', `/api/v1/contacts/${encodeURIComponent(found.mergedInto)}`)
          .send({ mergedInto: found.mergedInto });
      return {
        ...contactView(found.contact),
        identities: found.identities.map((i) => ({
          id: i.id,
          channelType: i.channelType,
          address: i.address,
          connectionId: i.connectionId,
        })),
        conversations: found.conversations.map((c) => conversationView(c, now())),
        consent: await hub.consent.forContact(found.contact.workspaceId, found.contact.id),
      };
    },
  );

  r.get(
    '/conversations',
    {
      schema: {
        tags: ['conversations'],
        querystring: ConversationQuerySchema,
        response: { 200: pageOf(ConversationSchema), ...errors },
      },
    },
    async (req) => {
      const { limit, cursor, q, ...filter } = req.query;
      const page = await hub.conversations.list(
        principalOf(req).workspaceId,
        { ...filter, ...(q ? { text: q } : {}) },
        { limit, cursor },
      );
      return {
        data: page.data.map((c) => conversationView(c, now(), humanHours(c.channelType))),
        nextCursor: page.nextCursor,
      };
    },
  );

  r.get(
    '/conversations/:id',
    { schema: { tags: ['conversations'], params: IdParams, response: { 200: ConversationSchema, ...errors } } },
    async (req) => {
      const c = await hub.conversations.get(principalOf(req).workspaceId, req.params.id);
      return conversationView(c, now(), humanHours(c.channelType));
    },
  );

  r.patch(
    '/conversations/:id',
    {
      schema: {
        tags: ['conversations'],
        summary: 'Resolve, reopen, assign, mark read',
        params: IdParams,
        body: UpdateConversationSchema,
        response: { 200: ConversationSchema, ...errors },
      },
    },
    async (req) => {
      // assigning and resolving go through routing (handoff, team capacity, return to the agent, timeline)
      const principal = principalOf(req);
      const { assigneeId, returnToAgent, ...patch } = req.body;
      if (assigneeId !== undefined)
        await hub.routingCommands.assign(principal.workspaceId, req.params.id, assigneeId, principal.userId);
      const before =
        patch.status === 'resolved' ? await hub.conversations.get(principal.workspaceId, req.params.id) : undefined;
      const updated = await hub.conversations.update(principal.workspaceId, req.params.id, patch);
      return conversationView(
        before
          ? await hub.routingCommands.resolved(principal.workspaceId, before, { returnToAgent, by: principal.userId })
          : updated,
        now(),
      );
    },
  );

  r.post(
    '/conversations/:id/typing',
    {
      schema: {
        tags: ['conversations'],
        summary: 'Show the customer that an operator is typing',
        params: IdParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      await hub.conversations.typing(principalOf(req).workspaceId, req.params.id);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/conversations/:id/messages',
    {
      schema: {
        tags: ['messages'],
        params: IdParams,
        querystring: PageQuerySchema,
        response: { 200: pageOf(MessageOut), ...errors },
      },
    },
    async (req) => {
      const page = await hub.conversations.messages(principalOf(req).workspaceId, req.params.id, req.query);
      return { data: page.data.map(messageView), nextCursor: page.nextCursor };
    },
  );

  r.post(
    '/conversations/:id/messages',
    {
      schema: {
        tags: ['messages'],
        summary:
          'Reply in a conversation; answers 202 with the queued message (on SMS channels with its `segments`: GSM-7 or UCS-2 and how many)',
        params: IdParams,
        body: SendToConversationSchema,
        response: { 202: QueuedMessageOut, ...errors },
      },
    },
    async (req, reply) => {
      const content = hub.messages.toContent(req.body);
      const { workspaceId, userId } = principalOf(req);
      const message = await hub.routingCommands.reply(
        workspaceId,
        req.params.id,
        userId,
        content,
        mailMetadata(req.body),
      );
      return reply.code(202).send(queuedView(message));
    },
  );

  r.post(
    '/conversations/:id/preview',
    {
      schema: {
        tags: ['messages'],
        summary:
          "What the customer will receive for this content on the conversation's channel (numbered text for buttons on a channel without them, text split in parts, links for files…); nothing is sent. 422 when the channel cannot carry it at all",
        params: IdParams,
        body: PreviewRequestSchema,
        response: { 200: DeliveryPreviewSchema, ...errors },
      },
    },
    async (req) => hub.messages.preview(principalOf(req).workspaceId, req.params.id, req.body.content),
  );

  r.post(
    '/messages',
    {
      schema: {
        tags: ['messages'],
        summary:
          "Start (or continue) a conversation with an address on a connection. A conversation nobody handles yet becomes the writing user's (handler human, assigned to them), so the customer's answer skips the bot rules; with metadata.agentId (a bot writing) routing decides as usual",
        body: SendMessageSchema,
        response: { 202: QueuedMessageOut, ...errors },
      },
    },
    async (req, reply) => {
      const content = hub.messages.toContent(req.body);
      const { workspaceId, userId } = principalOf(req);
      const message = await hub.routingCommands.startConversation(
        workspaceId,
        req.body.connectionId,
        req.body.to,
        userId,
        content,
        mailMetadata(req.body),
      );
      return reply.code(202).send(queuedView(message));
    },
  );

  r.get(
    '/messages/:id',
    { schema: { tags: ['messages'], params: IdParams, response: { 200: MessageOut, ...errors } } },
    async (req) => messageView(await hub.conversations.message(principalOf(req).workspaceId, req.params.id)),
  );

  r.get(
    '/messages/:id/deleted-content',
    {
      schema: {
        tags: ['messages'],
        summary:
          "What the customer deleted (Instagram unsend), kept for audit when the workspace's keepDeletedContent was on at the time (owners and admins); 404 when nothing was kept",
        params: IdParams,
        response: {
          200: z.object({ messageId: z.string(), deletedAt: z.string(), content: ContentSchema }),
          ...errors,
        },
      },
    },
    async (req) => {
      const p = requireRole(req, 'admin');
      return hub.conversations.deletedContent(p.workspaceId, req.params.id);
    },
  );

  r.delete(
    '/messages/:id',
    {
      schema: {
        tags: ['messages'],
        summary:
          'Take back an outbound message the customer has not received (RCS revokes it); it ends failed with code REVOKED',
        params: IdParams,
        response: { 200: MessageOut, ...errors },
      },
    },
    async (req) => {
      const { workspaceId, userId } = principalOf(req);
      return messageView(await hub.outbound.revokeByOperator(workspaceId, req.params.id, `user:${userId}`));
    },
  );
}

/** the mail fields of a send (subject, cc) join the message's metadata, where the mail connector and the app read them */
function mailMetadata(body: {
  metadata?: Record<string, unknown> | undefined;
  subject?: string | undefined;
  cc?: string[] | undefined;
}): Record<string, unknown> {
  return {
    ...(body.metadata ?? {}),
    ...(body.subject ? { subject: body.subject } : {}),
    ...(body.cc?.length ? { cc: body.cc.map((address) => ({ address: address.toLowerCase() })) } : {}),
  };
}
