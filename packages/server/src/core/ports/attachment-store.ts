/**
 * @module core/ports/attachment-store
 * Attachments of messages (fetched from the provider in the background) and, for the database media store, their
 * bytes. Implemented in store/sql/attachment-queries.ts.
 */

export type AttachmentState = 'pending' | 'ready' | 'failed';
export interface AttachmentRecord {
  id: string;
  workspaceId: string;
  messageId: string | null;
  connectionId: string | null;
  providerMediaId: string | null;
  mimeType: string;
  fileName: string | null;
  size: number | null;
  state: AttachmentState;
  error: string | null;
  attempts: number;
  /** unguessable part of the media URL: whoever holds the URL may fetch the bytes */
  accessKey: string;
  createdAt: string;
  updatedAt: string;
  /** a contact's profile picture (0021_meta_profiles), erased with the contact */
  contactId?: string | null;
}

export interface AttachmentStoreOps {
  insertAttachment(row: AttachmentRecord): Promise<void>;
  getAttachment(id: string): Promise<AttachmentRecord | undefined>;
  listAttachmentIds(state: 'pending', limit: number, afterId?: string): Promise<string[]>;
  updateAttachment(
    id: string,
    patch: Partial<
      Pick<
        AttachmentRecord,
        'state' | 'error' | 'attempts' | 'size' | 'mimeType' | 'fileName' | 'messageId' | 'updatedAt'
      >
    >,
  ): Promise<void>;
  /** removes a message's attachments (a deleted message whose content is dropped); answers their ids, the media keys */
  deleteMessageAttachments(messageId: string): Promise<string[]>;
  /** insert or replace */
  putBlob(key: string, bytes: Buffer, at: string): Promise<void>;
  getBlob(key: string): Promise<Buffer | undefined>;
  /** removes stored bytes (the database media store's delete); an unknown key is no error */
  deleteBlob(key: string): Promise<void>;
}
