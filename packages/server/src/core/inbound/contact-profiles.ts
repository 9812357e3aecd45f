/**
 * @module core/inbound/contact-profiles
 * A new customer address on a channel that can look profiles up (connector.features.profile, Messenger's user
 * profile): once, after the message that brought the address is stored, the contact gets the provider's name (when
 * it has none), attributes (first and last name), and the picture — stored in our media store, because the provider's
 * picture URL expires. A job of its own on the `profiles` topic: the message never waits for it, and a failure is a
 * line in the connection's log, not a lost message (retried a few times only when the provider says it may pass).
 */
import { randomBytes } from 'node:crypto';
import { isChannelError } from '../../channel-kit/index.js';
import { newId } from '../../model/index.js';
import type { CoreDeps } from '../deps.js';
import type { ConnectionService } from '../connections/connection-service.js';
import type { AttachmentRecord, MediaStore } from '../ports/index.js';
import { TOPIC_PROFILES } from '../events.js';
import type { ProfileJob } from '../contacts/profile-jobs.js';

const MAX_ATTEMPTS = 3;
/** a picture is an image a browser shows as such, and not a large one */
const PICTURE_TYPES = /^image\/(png|jpeg|gif|webp)$/;

/**
 * the image type a picture's bytes are, by their signature (https://mimesniff.spec.whatwg.org/#matching-an-image-type-pattern),
 * or undefined: a CDN answering an error page or anything else with an image type is not stored as a picture that
 * would show as a broken image, and a PNG labelled JPEG is served as what it is
 */
export function imageTypeOf(bytes: Buffer): string | undefined {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x47, 0x49, 0x46, 0x38])) return 'image/gif';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50, 0x56, 0x50], 8)) return 'image/webp';
  return undefined;
}
const MAX_PICTURE_BYTES = 5 * 1024 * 1024;
/** the contact attribute holding our URL of the picture */
export const PROFILE_PICTURE_ATTRIBUTE = 'profile_picture';

export class ContactProfiles {
  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
    private readonly bytes: MediaStore,
    /** our URL of an attachment (MediaService.urlFor) */
    private readonly urlFor: (a: Pick<AttachmentRecord, 'id' | 'accessKey'>) => string,
  ) {}

  subscribe(): { close(): Promise<void> } {
    return this.deps.bus.consume(
      TOPIC_PROFILES,
      async (m, delivery) => {
        const p = m.payload;
        await this.fetch(
          { connectionId: String(p.connectionId), contactId: String(p.contactId), address: String(p.address) },
          delivery.attempt,
        );
      },
      { concurrency: 4, maxDeliveries: MAX_ATTEMPTS },
    );
  }

  /** the job; throws only to be retried by the bus (a failure the provider calls passing) */
  async fetch(job: ProfileJob, attempt: number): Promise<void> {
    const live = await this.connections.live(job.connectionId);
    const lookup = live?.connector.features.profile;
    if (!live || !lookup) return;
    let profile;
    try {
      profile = await lookup(
        job.address,
        this.connections.context(live, AbortSignal.timeout(this.deps.settings.connectorTimeoutMs)),
      );
    } catch (error) {
      const reason = this.deps.redactor.scrub(error instanceof Error ? error.message : String(error));
      const passing = !isChannelError(error) || error.retryable;
      if (passing && attempt < MAX_ATTEMPTS) throw new Error(`profile lookup failed (attempt ${attempt}): ${reason}`);
      await this.connections.log(
        live.record.id,
        'warn',
        'profile_failed',
        `could not look up the profile of a new contact (${job.contactId}): ${reason}`,
      );
      return;
    }
    const workspaceId = live.record.workspaceId;
    const now = this.deps.clock.now().toISOString();
    // an erased contact's picture is not stored in the first place
    const before = await this.deps.store.getContact(workspaceId, job.contactId);
    if (!before || before.erasedAt !== undefined) return;
    let pictureUrl: string | undefined;
    const picture = profile.picture;
    const mimeType = picture ? imageTypeOf(picture.bytes) : undefined;
    if (picture && PICTURE_TYPES.test(picture.mimeType) && mimeType) {
      if (picture.bytes.length <= MAX_PICTURE_BYTES) {
        const row: AttachmentRecord = {
          id: newId('att'),
          workspaceId,
          messageId: null,
          connectionId: live.record.id,
          providerMediaId: null,
          mimeType,
          fileName: 'profile-picture',
          size: picture.bytes.length,
          state: 'ready',
          error: null,
          attempts: attempt,
          accessKey: randomBytes(18).toString('base64url'),
          createdAt: now,
          updatedAt: now,
          contactId: job.contactId,
        };
        await this.bytes.put(row.id, picture.bytes);
        await this.deps.store.insertAttachment(row);
        pictureUrl = this.urlFor(row);
      }
    } else if (picture && picture.bytes.length > 0) {
      await this.connections.log(
        live.record.id,
        'warn',
        'profile_picture_refused',
        `the profile picture of a new contact (${job.contactId}) is not an image (${picture.mimeType}, ${picture.bytes.length} bytes): kept without one`,
      );
    }
    await this.deps.store.transaction(async (tx) => {
      // the contact may have been merged meanwhile (the survivor gets the profile) or erased (nobody does)
      const contactId = await tx.liveContactId(workspaceId, job.contactId);
      const contact = contactId && (await tx.getContact(workspaceId, contactId));
      if (!contact || contact.erasedAt !== undefined) return;
      if (!contact.name && profile.name) await tx.updateContactName(contact.id, profile.name, now);
      const attributes = {
        ...profile.attributes,
        ...(pictureUrl ? { [PROFILE_PICTURE_ATTRIBUTE]: pictureUrl } : {}),
      };
      if (Object.keys(attributes).length > 0) await tx.mergeContactAttributes(contact.id, attributes, now);
    });
  }
}
