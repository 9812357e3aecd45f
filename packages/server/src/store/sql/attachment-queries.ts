/**
 * @module store/sql/attachment-queries
 * The AttachmentStoreOps port (core/ports/attachment-store.ts) over Kysely, for both dialects: attachments of
 * messages and the media bytes of the database media store.
 */
import type { Selectable } from 'kysely';
import type { AttachmentRecord, AttachmentStoreOps } from '../../core/ports/index.js';
import type { AttachmentsTable } from './schema.js';
import { Queries } from './queries.js';

export class AttachmentQueries extends Queries implements AttachmentStoreOps {
  async insertAttachment(row: AttachmentRecord): Promise<void> {
    await this.db
      .insertInto('attachments')
      .values({
        id: row.id,
        workspace_id: row.workspaceId,
        message_id: row.messageId,
        connection_id: row.connectionId,
        provider_media_id: row.providerMediaId,
        mime_type: row.mimeType,
        file_name: row.fileName,
        size: row.size,
        state: row.state,
        error: row.error,
        attempts: row.attempts,
        access_key: row.accessKey,
        created_at: row.createdAt,
        updated_at: row.updatedAt,
        ...(row.contactId ? { contact_id: row.contactId } : {}),
      })
      .execute();
  }
  async deleteMessageAttachments(messageId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('attachments').select('id').where('message_id', '=', messageId).execute();
    if (rows.length > 0) await this.db.deleteFrom('attachments').where('message_id', '=', messageId).execute();
    return rows.map((r) => r.id);
  }
  async getAttachment(id: string): Promise<AttachmentRecord | undefined> {
    const r = await this.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
    return (
      r && {
        id: r.id,
        workspaceId: r.workspace_id,
        messageId: r.message_id,
        connectionId: r.connection_id,
        providerMediaId: r.provider_media_id,
        mimeType: r.mime_type,
        fileName: r.file_name,
        size: r.size === null ? null : Number(r.size),
        state: r.state as AttachmentRecord['state'],
        error: r.error,
        attempts: Number(r.attempts),
        accessKey: r.access_key,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }
    );
  }
  async listAttachmentIds(state: 'pending', limit: number, afterId?: string): Promise<string[]> {
    let q = this.db.selectFrom('attachments').select('id').where('state', '=', state);
    if (afterId) q = q.where('id', '>', afterId);
    return (await q.orderBy('id').limit(limit).execute()).map((r) => r.id);
  }
  async updateAttachment(
    id: string,
    patch: Partial<
      Pick<
        AttachmentRecord,
        'state' | 'error' | 'attempts' | 'size' | 'mimeType' | 'fileName' | 'messageId' | 'updatedAt'
      >
    >,
  ): Promise<void> {
    const set: Partial<Selectable<AttachmentsTable>> = {};
    if (patch.state !== undefined) set.state = patch.state;
    if (patch.error !== undefined) set.error = patch.error;
    if (patch.attempts !== undefined) set.attempts = patch.attempts;
    if (patch.size !== undefined) set.size = patch.size;
    if (patch.mimeType !== undefined) set.mime_type = patch.mimeType;
    if (patch.fileName !== undefined) set.file_name = patch.fileName;
    if (patch.messageId !== undefined) set.message_id = patch.messageId;
    if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
    await this.db.updateTable('attachments').set(set).where('id', '=', id).execute();
  }
  async putBlob(key: string, bytes: Buffer, at: string): Promise<void> {
    await this.db
      .insertInto('media_blobs')
      .values({ key, bytes, created_at: at })
      .onConflict((oc) => oc.column('key').doUpdateSet({ bytes, created_at: at }))
      .execute();
  }
  async deleteBlob(key: string): Promise<void> {
    await this.db.deleteFrom('media_blobs').where('key', '=', key).execute();
  }
  async getBlob(key: string): Promise<Buffer | undefined> {
    const r = await this.db.selectFrom('media_blobs').select('bytes').where('key', '=', key).executeTakeFirst();
    return r ? Buffer.from(r.bytes) : undefined;
  }
}
