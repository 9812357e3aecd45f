/** @module api/routes/contact-routes — creating, editing, merging, erasing and exporting contacts under /api/v1. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Hub } from '../../core/hub.js';
import { conversationView, messageView } from '../../core/conversations/conversation-writer.js';
import type { ContactRecord, IdentityRecord } from '../../core/ports/index.js';
import { principalOf, requireRole } from '../auth.js';
import {
  Contact360Schema,
  ContactDuplicatesSchema,
  ContactErasedSchema,
  ContactExportSchema,
  ContactMergeResultSchema,
  CreateContactSchema,
  ErrorSchema,
  IdParams,
  MergeContactSchema,
  UpdateContactSchema,
} from '../schemas.js';

export const contactView = (c: ContactRecord) => ({
  id: c.id,
  name: c.name,
  attributes: c.attributes,
  tags: c.tags ?? [],
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});
const identityView = (i: IdentityRecord) => ({
  id: i.id,
  channelType: i.channelType,
  address: i.address,
  connectionId: i.connectionId,
});

export function contactRoutes(app: FastifyInstance, hub: Hub): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const errors = {
    400: ErrorSchema,
    401: ErrorSchema,
    403: ErrorSchema,
    404: ErrorSchema,
    409: ErrorSchema,
  };
  const tags = ['contacts'];
  const now = () => hub.deps.clock.now();
  const view360 = async (workspaceId: string, id: string) => {
    const found = await hub.conversations.contact360(workspaceId, id);
    if (found.mergedInto !== undefined) throw new Error(`contact ${id} was merged meanwhile`);
    return {
      ...contactView(found.contact),
      identities: found.identities.map(identityView),
      conversations: found.conversations.map((c) => conversationView(c, now())),
      consent: await hub.consent.forContact(workspaceId, found.contact.id),
    };
  };

  r.post(
    '/contacts',
    {
      schema: {
        tags,
        summary:
          "Creates a contact with identities; each address is normalized by its channel type's address kind, a malformed one is 400 naming the field, one that belongs to another contact is 409 naming that contact",
        body: CreateContactSchema,
        response: { 201: Contact360Schema, ...errors },
      },
    },
    async (req, reply) => {
      const workspaceId = principalOf(req).workspaceId;
      const created = await hub.contacts.create(workspaceId, req.body);
      return reply.code(201).send(await view360(workspaceId, created.id));
    },
  );

  r.patch(
    '/contacts/:id',
    {
      schema: {
        tags,
        summary: 'Edits name, attributes (merged: null removes a key) and tags (replaced)',
        params: IdParams,
        body: UpdateContactSchema,
        response: { 200: Contact360Schema, ...errors },
      },
    },
    async (req) => {
      const workspaceId = principalOf(req).workspaceId;
      await hub.contacts.update(workspaceId, req.params.id, req.body);
      return view360(workspaceId, req.params.id);
    },
  );

  r.post(
    '/contacts/:id/merge',
    {
      schema: {
        tags,
        summary:
          "Merges otherContactId into this contact: identities, conversations with their messages, attributes (this contact's values win; the other's overridden values are returned under conflicts) and tags. The other id answers 301 afterwards",
        params: IdParams,
        body: MergeContactSchema,
        response: { 200: ContactMergeResultSchema, ...errors },
      },
    },
    async (req) => {
      const principal = principalOf(req);
      const merged = await hub.contacts.merge(
        principal.workspaceId,
        req.params.id,
        req.body.otherContactId,
        `user:${principal.userId}`,
      );
      return { contact: await view360(principal.workspaceId, merged.contact.id), conflicts: merged.conflicts };
    },
  );

  r.get(
    '/contacts/:id/duplicates',
    {
      schema: {
        tags,
        summary:
          'Contacts that may be the same person, each with its reasons: a shared normalized phone number or email (identity or email/phone attribute), or the same name on another channel. Nothing is merged',
        params: IdParams,
        response: { 200: ContactDuplicatesSchema, ...errors },
      },
    },
    async (req) => {
      const found = await hub.contacts.duplicates(principalOf(req).workspaceId, req.params.id);
      return {
        data: found.map((d) => ({
          contact: { ...contactView(d.contact), identities: d.identities.map(identityView) },
          reasons: d.reasons,
        })),
      };
    },
  );

  r.delete(
    '/contacts/:id',
    {
      schema: {
        tags,
        summary:
          "Erases the contact and what identifies them (admin): identities, name, attributes, tags, messages' content and media bytes, previews, raw inbound events. Message rows stay as tombstones with their provider ids so provider retries are still recognized as duplicates",
        params: IdParams,
        response: { 200: ContactErasedSchema, ...errors },
      },
    },
    async (req) => {
      const erased = await hub.contacts.erase(requireRole(req, 'admin').workspaceId, req.params.id);
      return { erased: true as const, ...erased };
    },
  );

  r.get(
    '/contacts/:id/export',
    {
      schema: {
        tags,
        summary:
          'Everything the hub holds about the contact as one JSON document: the contact, identities, attributes, tags, conversations with every message (media as URLs)',
        params: IdParams,
        response: { 200: ContactExportSchema, ...errors },
      },
    },
    async (req) => {
      const exported = await hub.contacts.export(principalOf(req).workspaceId, req.params.id);
      return {
        contact: contactView(exported.contact),
        identities: exported.identities.map((i) => ({ ...identityView(i), createdAt: i.createdAt })),
        conversations: exported.conversations.map((c) => ({
          ...conversationView(c, now()),
          messages: c.messages.map(messageView),
        })),
        exportedAt: now().toISOString(),
      };
    },
  );
}
