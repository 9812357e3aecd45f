/**
 * @module store/sql/header-scrub
 * Migration 0012_scrub_stored_headers: raw events stored before connectors declared which headers to keep still
 * hold every `x-*` header and `authorization` as received — the Telegram secret token, visitors' bearer tokens —
 * for the whole retention time. This rewrites them the way they are stored now (channel-kit/stored-request.ts):
 * declared headers kept, credentials as a digest, the rest dropped. A web chat row also gets the visitor header
 * its parse needs once the token is a digest (the visitor id is the token's part before the dot). Idempotent: a
 * row already in the stored form is left as it is.
 */
import type { Kysely } from 'kysely';
import {
  credentialDigest,
  isCredentialDigest,
  storedHeaders,
  type StoredHeaders,
} from '../../channel-kit/stored-request.js';
import type { Database } from './schema.js';

/**
 * The stored-header rules of the built-in channels when this migration shipped. A migration must do the same
 * whenever it runs, so it keeps its own copy; a test holds it equal to the connectors' `inbound.storedHeaders`.
 */
export const STORED_HEADERS_0012: Readonly<Record<string, StoredHeaders>> = {
  telegram: { keep: ['content-type'], digest: ['x-telegram-bot-api-secret-token'] },
  webchat: { keep: ['content-type', 'x-webchat-visitor'], digest: ['authorization'] },
  whatsapp: { keep: ['content-type', 'x-hub-signature-256'] },
  // the Messages API's bearer JWT is a credential (rows of this type are written already scrubbed; a re-run keeps them)
  'vonage-sms': { keep: ['content-type'], digest: ['authorization'] },
  // channels whose rows were written with these rules from their first day: a re-run keeps what they stored
  bird: {
    keep: ['content-type', 'messagebird-signature', 'messagebird-request-timestamp', 'messagebird-request-id'],
  },
  'twilio-sms': { keep: ['content-type', 'x-twilio-signature'] },
  messenger: { keep: ['content-type', 'x-hub-signature-256'] },
  instagram: { keep: ['content-type', 'x-hub-signature-256'] },
  vk: { keep: ['content-type'] },
  rcs: { keep: ['content-type', 'x-goog-signature'] },
  // the extra authorization header Infobip sends is the credential itself
  infobip: { keep: ['content-type'], digest: ['authorization'] },
  'sms-gateway': {
    keep: ['content-type', 'x-gateway-signature', 'x-gateway-timestamp'],
    digest: ['authorization'],
  },
  intercom: { keep: ['content-type', 'x-hub-signature'] },
  'whatsapp-onpremise': { keep: ['content-type'], digest: ['x-switchboard-webhook-secret'] },
  'twilio-voice': { keep: ['content-type', 'x-twilio-signature'] },
};

/** connectors added outside this repository: nothing is known of their headers but what a credential looks like */
const CREDENTIAL_NAME = /^(authorization|proxy-authorization|cookie)$|token|secret|api-?key|password/i;

/** a credential as stored now: already a digest (a second run, a row written after the fix) stays as it is */
const digestOnce = (value: string): string => (isCredentialDigest(value) ? value : credentialDigest(value));

function scrubbed(channelType: string | undefined, headers: Record<string, string>): Record<string, string> {
  const spec = channelType === undefined ? undefined : STORED_HEADERS_0012[channelType];
  const withVisitor = { ...headers };
  // the visitor id a web chat token was issued for, named before the token becomes a digest
  const bearer = /^Bearer\s+(vis_[^.\s]+)\./.exec(headers.authorization ?? '');
  if (channelType === 'webchat' && bearer && withVisitor['x-webchat-visitor'] === undefined)
    withVisitor['x-webchat-visitor'] = bearer[1] as string;
  const names = Object.keys(withVisitor);
  const digest = spec ? (spec.digest ?? []) : names.filter((name) => CREDENTIAL_NAME.test(name));
  const keep = spec ? (spec.keep ?? []) : names.filter((name) => !digest.includes(name));
  const out = storedHeaders(withVisitor, { keep });
  for (const name of digest) {
    const value = withVisitor[name];
    if (value !== undefined) out[name] = digestOnce(value);
  }
  return out;
}

const same = (a: Record<string, string>, b: Record<string, string>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

export async function scrubStoredHeaders(db: Kysely<Database>): Promise<void> {
  const types = new Map(
    (await db.selectFrom('connections').select(['id', 'type']).execute()).map((c) => [c.id, c.type] as const),
  );
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('inbound_events')
      .select(['id', 'connection_id', 'headers'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(500)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      let headers: Record<string, string>;
      try {
        headers = JSON.parse(row.headers) as Record<string, string>;
      } catch {
        headers = {};
      }
      const next = scrubbed(types.get(row.connection_id), headers);
      if (!same(headers, next))
        await db
          .updateTable('inbound_events')
          .set({ headers: JSON.stringify(next) })
          .where('id', '=', row.id)
          .execute();
    }
    after = rows[rows.length - 1]?.id as string;
  }
}
