/**
 * Contacts 360 over HTTP, on SQLite and on PostgreSQL: creating a contact with normalized identities (400 naming
 * the field, 409 naming the holder), editing name/attributes/tags, suggesting duplicates with their reasons, merging
 * while both contacts keep receiving messages (every message ends on the survivor, none lost or doubled, the merged
 * id answers 301), exporting everything, and erasing a contact so that nothing of their name, address, text or media
 * bytes is left in any table, the database file or the media store, while a provider retry stays a duplicate.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTestBody, testConnector } from '../channel-kit/test-connector.js';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import { fakeProvider, type FakeProvider } from '../testing/fake-provider.js';
import { freshPostgresDatabase } from '../testing/test-databases.js';
import type { KyselyStore } from '../store/sql/kysely-store.js';

const SIGNING = 'signing-secret-for-tests';
/** a phone channel: the kit's test connector declaring the phone kind */
const smsConnector = { ...testConnector, type: 'x-sms' as const, addressKind: 'phone' as const };

interface Contact {
  id: string;
  name: string | null;
  attributes: Record<string, unknown>;
  tags: string[];
  identities: Array<{ channelType: string; address: string }>;
  conversations: Array<{ id: string; contactId: string; status: string }>;
}
interface ApiError {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
interface Message {
  id: string;
  content: { type: string; text?: string; media?: { url: string } };
  providerMessageId: string | null;
  from: string;
}

/** every file under dir, recursively */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`contacts 360 (${dialect})`, () => {
    let t: TestServer;
    let provider: FakeProvider;
    let pg: { url: string; drop(): Promise<void> } | undefined;
    let chat: string;
    let sms: string;

    const post = (connectionId: string, body: Record<string, unknown>) => {
      const raw = JSON.stringify(body);
      return fetch(`${t.url}/webhooks/${connectionId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-test-signature': signTestBody(SIGNING, raw) },
        body: raw,
      });
    };
    const contact = (id: string) => t.api<Contact & { mergedInto?: string }>('GET', `/api/v1/contacts/${id}`);
    /** GET /contacts/{id} without following a 301 (fetch would) */
    const contactStatus = async (id: string) => {
      const res = await fetch(`${t.url}/api/v1/contacts/${id}`, {
        headers: { authorization: `Bearer ${t.token}` },
        redirect: 'manual',
      });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    const messagesOf = async (conversationId: string) =>
      (await t.api<{ data: Message[] }>('GET', `/api/v1/conversations/${conversationId}/messages?limit=200`)).body.data;
    const conversationsOf = async (contactId: string) =>
      (await t.api<{ data: Array<{ id: string }> }>('GET', `/api/v1/conversations?contactId=${contactId}&limit=200`))
        .body.data;
    const contactOfAddress = async (connectionId: string, address: string) =>
      eventually(async () => {
        const conv = (
          await t.api<{ data: Array<{ address: string; contactId: string }> }>(
            'GET',
            `/api/v1/conversations?connectionId=${connectionId}&limit=200`,
          )
        ).body.data.find((c) => c.address === address);
        return conv?.contactId;
      });

    beforeAll(async () => {
      provider = await fakeProvider();
      const env: Record<string, string> = dialect === 'postgres' ? {} : { SWITCHBOARD_MEDIA_STORE: 'directory' }; // both media stores are erased
      if (dialect === 'postgres') {
        pg = await freshPostgresDatabase('c360');
        env.DATABASE_URL = pg.url;
      }
      t = await startTestServer({ extraConnectors: [testConnector, smsConnector], env });
      const connect = async (type: string, name: string) => {
        const created = await t.api<{ id: string }>('POST', '/api/v1/connections', {
          type,
          name,
          config: { signingSecret: SIGNING, apiToken: 'api-token-for-tests', apiBaseUrl: provider.url },
        });
        await t.api('POST', `/api/v1/connections/${created.body.id}/start`);
        return created.body.id;
      };
      chat = await connect('x-test', 'chat');
      sms = await connect('x-sms', 'sms');
    });
    afterAll(async () => {
      await t.close();
      await provider.close();
      await pg?.drop();
    });

    it('creates a contact with normalized identities; a malformed address is 400 naming it, a taken one 409', async () => {
      const created = await t.api<Contact>('POST', '/api/v1/contacts', {
        name: 'Ana Lima',
        attributes: { tier: 'gold' },
        tags: ['vip'],
        identities: [
          { channelType: 'x-sms', address: '+1 (555) 010-2000' },
          { channelType: 'x-test', address: 'ana-chat' },
        ],
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'Ana Lima', attributes: { tier: 'gold' }, tags: ['vip'] });
      expect(created.body.identities.map((i) => `${i.channelType}:${i.address}`).sort()).toEqual([
        'x-sms:+15550102000',
        'x-test:ana-chat',
      ]);

      const malformed = await t.api<ApiError>('POST', '/api/v1/contacts', {
        identities: [{ channelType: 'x-sms', address: 'hello' }],
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.message).toContain('identities.0.address');
      const unknownType = await t.api<ApiError>('POST', '/api/v1/contacts', {
        identities: [{ channelType: 'carrier-pigeon', address: 'x' }],
      });
      expect(unknownType.status).toBe(400);

      // another spelling of the same number belongs to Ana: nothing of the new contact is stored
      const before = (await t.api<{ data: unknown[] }>('GET', '/api/v1/contacts?limit=200')).body.data.length;
      const taken = await t.api<ApiError>('POST', '/api/v1/contacts', {
        name: 'Impostor',
        identities: [
          { channelType: 'x-test', address: 'fresh-one' },
          { channelType: 'x-sms', address: '0015550102000' },
        ],
      });
      expect(taken.status).toBe(409);
      expect(taken.body.error.message).toContain(created.body.id);
      expect((await t.api<{ data: unknown[] }>('GET', '/api/v1/contacts?limit=200')).body.data.length).toBe(before);
      expect((await t.api<{ data: unknown[] }>('GET', '/api/v1/contacts?q=fresh-one')).body.data).toEqual([]);
    });

    it('edits name, attributes (null removes a key) and tags, and lists contacts by tag', async () => {
      const created = await t.api<Contact>('POST', '/api/v1/contacts', {
        name: 'Bo',
        attributes: { plan: 'basic', city: 'Porto' },
        tags: ['lead'],
      });
      const patched = await t.api<Contact>('PATCH', `/api/v1/contacts/${created.body.id}`, {
        name: 'Bo Silva',
        attributes: { plan: 'pro', city: null, score: 7 },
        tags: ['customer', 'churn-risk'],
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        name: 'Bo Silva',
        attributes: { plan: 'pro', score: 7 },
        tags: ['customer', 'churn-risk'],
      });
      expect(patched.body.attributes).not.toHaveProperty('city');
      const tagged = await t.api<{ data: Contact[] }>('GET', '/api/v1/contacts?tag=churn-risk');
      expect(tagged.body.data.map((c) => c.id)).toEqual([created.body.id]);
      expect((await t.api<{ data: Contact[] }>('GET', '/api/v1/contacts?tag=lead')).body.data).toEqual([]);
      expect((await t.api<{ data: Contact[] }>('GET', '/api/v1/contacts?q=silva&tag=customer')).body.data).toHaveLength(
        1,
      );
      // an attribute value finds the contact (a string by its start); a key alone does not
      const found = async (q: string) =>
        (await t.api<{ data: Contact[] }>('GET', `/api/v1/contacts?q=${encodeURIComponent(q)}`)).body.data.map(
          (c) => c.id,
        );
      expect(await found('pr')).toContain(created.body.id);
      expect(await found('score')).not.toContain(created.body.id);
      const tooDeep = await t.api<ApiError>('PATCH', `/api/v1/contacts/${created.body.id}`, {
        attributes: { a: 'x'.repeat(20_000) },
      });
      expect(tooDeep.status).toBe(400);
      expect((await t.api('PATCH', '/api/v1/contacts/ct_missing', { name: 'x' })).status).toBe(404);
    });

    it('suggests duplicates sharing a phone or email, or the name on another channel, with the reason', async () => {
      const phone = await t.api<Contact>('POST', '/api/v1/contacts', {
        name: 'Cy Reyes',
        identities: [{ channelType: 'x-sms', address: '+15550103000' }],
      });
      const viaAttribute = await t.api<Contact>('POST', '/api/v1/contacts', {
        name: 'C. R.',
        attributes: { phone: '+1 555 010 3000', email: 'Cy@Example.COM' },
        identities: [{ channelType: 'x-test', address: 'cy-chat' }],
      });
      const sameName = await t.api<Contact>('POST', '/api/v1/contacts', {
        name: 'cy reyes',
        identities: [{ channelType: 'x-test', address: 'cy-other' }],
      });
      const sameNameSameChannel = await t.api<Contact>('POST', '/api/v1/contacts', {
        name: 'Cy Reyes',
        identities: [{ channelType: 'x-sms', address: '+15550103999' }],
      });
      const found = await t.api<{ data: Array<{ contact: Contact; reasons: Array<{ kind: string; value: string }> }> }>(
        'GET',
        `/api/v1/contacts/${phone.body.id}/duplicates`,
      );
      expect(found.status).toBe(200);
      const byId = new Map(found.body.data.map((d) => [d.contact.id, d.reasons]));
      expect(byId.get(viaAttribute.body.id)).toEqual([{ kind: 'phone', value: '+15550103000' }]);
      expect(byId.get(sameName.body.id)).toEqual([{ kind: 'name', value: 'cy reyes' }]);
      // the same name on the same channel only is no suggestion; nothing was merged
      expect(byId.has(sameNameSameChannel.body.id)).toBe(false);
      expect(byId.has(phone.body.id)).toBe(false);
      expect((await contact(sameName.body.id)).status).toBe(200);
    });

    it('merges while both contacts receive messages: every message on the survivor, none lost or doubled', async () => {
      const n = 25;
      await post(chat, { id: 'm-a-0', type: 'message', from: 'merge-a', name: 'Dee', text: 'a first' });
      await post(chat, { id: 'm-b-0', type: 'message', from: 'merge-b', name: 'Dee B', text: 'b first' });
      await post(sms, { id: 's-b-0', type: 'message', from: '+15550104000', text: 'b sms first' });
      const a = await contactOfAddress(chat, 'merge-a');
      const b = await contactOfAddress(chat, 'merge-b');
      const bSms = await contactOfAddress(sms, '+15550104000');
      await t.api('PATCH', `/api/v1/contacts/${a}`, { attributes: { tier: 'gold', city: 'Lisbon' }, tags: ['x'] });
      await t.api('PATCH', `/api/v1/contacts/${b}`, { attributes: { tier: 'silver', lang: 'pt' }, tags: ['y'] });
      // bSms is a third contact: merged into b concurrently with b being merged into a (lock order, no deadlock)
      const sends: Array<Promise<Response>> = [];
      for (let i = 1; i <= n; i++) {
        sends.push(post(chat, { id: `m-a-${i}`, type: 'message', from: 'merge-a', text: `a ${i}` }));
        sends.push(post(chat, { id: `m-b-${i}`, type: 'message', from: 'merge-b', text: `b ${i}` }));
        sends.push(post(sms, { id: `s-b-${i}`, type: 'message', from: '+15550104000', text: `s ${i}` }));
      }
      const merges = [
        t.api<{ contact: Contact; conflicts: Record<string, unknown> } & ApiError>(
          'POST',
          `/api/v1/contacts/${a}/merge`,
          { otherContactId: b },
        ),
        t.api<{ contact: Contact; conflicts: Record<string, unknown> } & ApiError>(
          'POST',
          `/api/v1/contacts/${b}/merge`,
          { otherContactId: bSms },
        ),
      ];
      const [answers, [ab, bs]] = await Promise.all([Promise.all(sends), Promise.all(merges)]);
      expect(answers.every((r) => r.status === 200)).toBe(true);
      // on a failure, what the server logged about it (a 500 answers no detail)
      const serverErrors = () => t.logs.filter((l) => /"level":50/.test(l)).slice(-3);
      expect(ab?.status, JSON.stringify(serverErrors())).toBe(200);
      expect(ab?.body.conflicts).toEqual({ tier: 'silver' });
      expect(ab?.body.contact.attributes).toMatchObject({ tier: 'gold', city: 'Lisbon', lang: 'pt' });
      expect([...(ab?.body.contact.tags ?? [])].sort()).toEqual(['x', 'y']);
      // b was merged into bSms's survivor first (then a took it) or after (b was already a tombstone): both are fine
      expect([200, 409]).toContain(bs?.status);
      if (bs?.status === 409) await t.api('POST', `/api/v1/contacts/${a}/merge`, { otherContactId: bSms });

      const expected = new Set([
        'a first',
        'b first',
        'b sms first',
        ...Array.from({ length: n }, (_, i) => [`a ${i + 1}`, `b ${i + 1}`, `s ${i + 1}`]).flat(),
      ]);
      const texts = await eventually(
        async () => {
          const all: string[] = [];
          for (const c of await conversationsOf(a as string))
            all.push(...(await messagesOf(c.id)).map((m) => m.content.text ?? ''));
          return all.length >= expected.size ? all : undefined;
        },
        20_000,
        'every message',
      );
      expect(texts.length).toBe(expected.size);
      expect(new Set(texts)).toEqual(expected);
      expect(await conversationsOf(b as string)).toEqual([]);
      expect(await conversationsOf(bSms as string)).toEqual([]);
      expect(await contactStatus(b as string)).toEqual({ status: 301, body: { mergedInto: a } });
      expect(await contactStatus(bSms as string)).toEqual({ status: 301, body: { mergedInto: a } });
      const survivor = await contact(a as string);
      expect(survivor.body.identities.map((i) => i.address).sort()).toEqual(['+15550104000', 'merge-a', 'merge-b']);
      // the merge is on the timeline with the overridden value
      const timeline = await t.api<{ data: Array<{ type: string; data: Record<string, unknown> }> }>(
        'GET',
        `/api/v1/conversations/${survivor.body.conversations[0]?.id}/timeline`,
      );
      expect(timeline.body.data.some((e) => e.type === 'contact.merged')).toBe(true);
      // a merged-away contact cannot be merged again
      expect((await t.api('POST', `/api/v1/contacts/${a}/merge`, { otherContactId: b })).status).toBe(409);
      expect((await t.api('POST', `/api/v1/contacts/${a}/merge`, { otherContactId: a })).status).toBe(400);
    });

    it('exports a contact with identities, attributes, tags, conversations and messages', async () => {
      await post(chat, { id: 'e-1', type: 'message', from: 'export-me', name: 'Eve', text: 'export this' });
      const id = await contactOfAddress(chat, 'export-me');
      await t.api('PATCH', `/api/v1/contacts/${id}`, { attributes: { plan: 'pro' }, tags: ['t1'] });
      const exported = await t.api<{
        contact: Contact;
        identities: Array<{ address: string }>;
        conversations: Array<{ messages: Message[] }>;
      }>('GET', `/api/v1/contacts/${id}/export`);
      expect(exported.status).toBe(200);
      expect(exported.body.contact).toMatchObject({ name: 'Eve', attributes: { plan: 'pro' }, tags: ['t1'] });
      expect(exported.body.identities.map((i) => i.address)).toEqual(['export-me']);
      expect(exported.body.conversations.flatMap((c) => c.messages.map((m) => m.content.text))).toEqual([
        'export this',
      ]);
    });

    it('erases a contact: nothing of their name, address, text or media bytes is left; a retry stays a duplicate', async () => {
      const marker = randomBytes(6).toString('hex');
      const name = `Zed${marker}`;
      const phone = '+15550105' + String(parseInt(marker.slice(0, 4), 16) % 1000).padStart(3, '0');
      const text = `secret-text-${marker}`;
      const mediaBytes = Buffer.from(`MEDIA-BYTES-${marker}-`.repeat(50));
      provider.files.set(`media-${marker}`, { bytes: mediaBytes, mimeType: 'image/png' });
      await post(sms, { id: `z-1-${marker}`, type: 'message', from: phone, name, text });
      await post(sms, {
        id: `z-2-${marker}`,
        type: 'message',
        from: phone,
        mediaId: `media-${marker}`,
        mimeType: 'image/png',
      });
      const id = (await contactOfAddress(sms, phone)) as string;
      await t.api('PATCH', `/api/v1/contacts/${id}`, { attributes: { email: `zed-${marker}@example.com` } });
      // an opt-out names the address too: it has to go with the contact
      const optedOut = await t.api('PUT', `/api/v1/contacts/${id}/consent`, {
        channelType: 'x-sms',
        optedOut: true,
        source: 'operator',
      });
      expect(optedOut.status).toBe(200);
      const [conv] = await conversationsOf(id);
      const media = await eventually(async () => {
        const m = (await messagesOf(conv?.id as string)).find((x) => x.content.media);
        const res = m?.content.media ? await fetch(m.content.media.url) : undefined;
        return res?.status === 200 ? m : undefined;
      });
      const held = (f: string) => readFileSync(f).includes(mediaBytes);
      // the bytes were really stored where the erasure has to reach (the directory store on SQLite, media_blobs on PG)
      if (dialect === 'sqlite') expect(filesUnder(join(t.dataDir, 'media')).some(held)).toBe(true);
      // operators may not erase; admins and owners may
      await t.api('POST', '/api/v1/users', {
        email: 'op@example.com',
        name: 'Op',
        role: 'operator',
        password: 'operator password',
      });
      const op = await t.api<{ token: string }>(
        'POST',
        '/api/v1/auth/login',
        { email: 'op@example.com', password: 'operator password' },
        { authorization: '' },
      );
      const refused = await t.api<ApiError>('DELETE', `/api/v1/contacts/${id}`, undefined, {
        authorization: `Bearer ${op.body.token}`,
      });
      expect(refused.status).toBe(403);
      expect((await contact(id)).status).toBe(200);
      const erased = await t.api<{ erased: boolean; messages: number }>('DELETE', `/api/v1/contacts/${id}`);
      expect(erased.status).toBe(200);
      expect(erased.body).toMatchObject({ erased: true, messages: 2 });
      expect((await contact(id)).status).toBe(404);
      expect((await t.api<{ data: unknown[] }>('GET', `/api/v1/contacts?q=${phone}`)).body.data).toEqual([]);
      expect((await fetch(media.content.media?.url as string)).status).toBe(404);
      const tombstones = await messagesOf(conv?.id as string);
      expect(tombstones.map((m) => m.providerMessageId).sort()).toEqual([`z-1-${marker}`, `z-2-${marker}`]);
      expect(tombstones.every((m) => m.content.type === 'text' && m.content.text === '(erased)')).toBe(true);

      const needles = [name, phone, text, phone.slice(1), `zed-${marker}`, `MEDIA-BYTES-${marker}`];
      const nothingLeft = async () => {
        const store = t.sb.store as KyselyStore;
        const tables =
          dialect === 'sqlite'
            ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(store.kysely))
                .rows
            : (
                await sql<{
                  name: string;
                }>`select tablename as name from pg_tables where schemaname = 'public'`.execute(store.kysely)
              ).rows;
        for (const { name: table } of tables) {
          const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(store.kysely))
            .rows;
          const dump = rows
            .map((r) =>
              Object.values(r)
                .map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v)))
                .join('\u0000'),
            )
            .join('\n');
          for (const needle of needles) expect(dump.includes(needle), `${needle} in table ${table}`).toBe(false);
        }
        // the files: SQLite's database, WAL and the directory media store (both live in the data dir)
        if (dialect === 'sqlite') {
          const files = filesUnder(t.dataDir);
          expect(files.some((f) => f.endsWith('.db'))).toBe(true);
          for (const file of files) {
            const bytes = readFileSync(file);
            for (const needle of needles) expect(bytes.includes(needle), `${needle} in ${file}`).toBe(false);
          }
        }
      };
      await nothingLeft();

      // the provider retries the first message: still a duplicate, no contact comes back
      await post(sms, { id: `z-1-${marker}`, type: 'message', from: phone, name, text });
      await new Promise((r) => setTimeout(r, 500));
      expect(await messagesOf(conv?.id as string)).toEqual(tombstones);
      expect((await t.api<{ data: unknown[] }>('GET', `/api/v1/contacts?q=${phone}`)).body.data).toEqual([]);
      // nor does the retry's own request keep their content
      await nothingLeft();
    });
  });
}
