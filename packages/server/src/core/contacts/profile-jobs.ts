/**
 * @module core/contacts/profile-jobs
 * The request for a new identity's profile (core/inbound/contact-profiles does the lookup): an outbox row written
 * in the transaction that created the identity, so a crash between the two can delay the lookup, never lose it.
 */
import { TOPIC_PROFILES } from '../events.js';
import type { ConnectionRecord, NewOutboxRow } from '../ports/index.js';

export interface ProfileJob {
  connectionId: string;
  contactId: string;
  address: string;
}

export function profileJobRow(
  connection: Pick<ConnectionRecord, 'id'>,
  contactId: string,
  address: string,
): NewOutboxRow {
  return {
    topic: TOPIC_PROFILES,
    key: connection.id,
    workspaceId: null,
    payload: { connectionId: connection.id, contactId, address },
  };
}
