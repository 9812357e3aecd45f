/**
 * Contact import and export over HTTP, with the WhatsApp Cloud API simulator: a customer who wrote on WhatsApp from
 * +49 151 12345678 is the contact a CSV row `0151 12345678` updates (the connection's defaultRegion is DE), a second
 * upload is all `unchanged`, a multipart upload works like a text/csv body, the export of a search is CSV with
 * formula cells defused, and the limits, content types and roles hold.
 */
import { startWhatsAppSimulator, type WhatsAppSimulator } from '@switchboard/simulators';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectors } from '../channels/index.js';
import { IMPORT_LIMITS } from '../core/contacts/contact-import.js';
import { addWorkspace, eventually, startTestServer, type TestServer } from '../testing/test-server.js';

interface Report {
  created: number;
  updated: number;
  unchanged: number;
  rejected: Array<{ row: number; reason: string; field: string | null }>;
  ignoredColumns: string[];
}
interface ApiError {
  error: { code: string; message: string };
}
interface Contact {
  id: string;
  name: string | null;
  attributes: Record<string, unknown>;
  identities: Array<{ channelType: string; address: string }>;
}

describe('contact import and export', () => {
  let sim: WhatsAppSimulator;
  let t: TestServer;
  let operator: Record<string, string>;

  const importCsv = (csv: string, query = '', headers: Record<string, string> = {}) =>
    t.api<Report & ApiError>('POST', `/api/v1/contacts/import${query}`, csv, {
      'content-type': 'text/csv',
      ...headers,
    });
  const contacts = async (q = '') =>
    (await t.api<{ data: Contact[] }>('GET', `/api/v1/contacts?limit=200&q=${encodeURIComponent(q)}`)).body.data;

  beforeAll(async () => {
    sim = await startWhatsAppSimulator({ webhooks: { retryScale: 0.001 } });
    const d = sim.defaults;
    if (!d) throw new Error('simulator not seeded');
    t = await startTestServer();
    const wa = (
      await t.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'whatsapp',
        name: 'WhatsApp',
        config: {
          accessToken: d.accessToken,
          appSecret: sim.app.secret,
          businessAccountId: d.wabaId,
          phoneNumberIds: [d.phoneNumberId],
          apiBaseUrl: sim.url,
          defaultRegion: 'DE',
        },
      })
    ).body.id;
    const started = await t.api<{ status: string; webhookUrl: string; config: { verifyToken: string } }>(
      'POST',
      `/api/v1/connections/${wa}/start`,
    );
    expect(started.body.status).toBe('RUNNING');
    await sim.configureWebhook({ url: started.body.webhookUrl, verifyToken: started.body.config.verifyToken });
    await t.api('POST', '/api/v1/users', {
      email: 'op@example.com',
      name: 'Op',
      role: 'operator',
      password: 'operator password',
    });
    const login = await t.api<{ token: string }>(
      'POST',
      '/api/v1/auth/login',
      { email: 'op@example.com', password: 'operator password' },
      { authorization: '' },
    );
    operator = { authorization: `Bearer ${login.body.token}` };
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('a national number in the CSV updates the contact a WhatsApp message from that number created', async () => {
    sim.sendText({ from: '4915112345678', text: 'Hallo', profileName: 'ana_wa' });
    const [fromWhatsApp] = await eventually(async () => {
      const found = await contacts();
      return found.length === 1 ? found : undefined;
    });
    // no email channel in this build: the third row meets Ana by the email attribute the first row just gave her
    const csv = [
      'name,phone,email,tier',
      'Ana Lima,0151 12345678,ana@example.com,gold',
      'Ben,+49 151 7654321,,silver',
      'Ana Lima,,ana@example.com,gold',
      '',
    ].join('\n');
    expect((await importCsv(csv)).body).toEqual({
      created: 1,
      updated: 1,
      unchanged: 1,
      rejected: [],
      ignoredColumns: [],
    });
    const ana = (await t.api<Contact>('GET', `/api/v1/contacts/${fromWhatsApp?.id}`)).body;
    expect(ana).toMatchObject({ name: 'Ana Lima', attributes: { tier: 'gold', email: 'ana@example.com' } });
    // the number reaches the contact on every phone channel (WhatsApp, where they wrote from, SMS, RCS…), and the
    // email column on every email channel
    expect(ana.identities.map((i) => `${i.channelType}:${i.address}`).sort()).toEqual(
      [
        ...connectors.filter((c) => c.addressKind === 'phone').map((c) => `${c.type}:+4915112345678`),
        ...connectors.filter((c) => c.addressKind === 'email').map((c) => `${c.type}:ana@example.com`),
      ].sort(),
    );
    // the second upload finds every row as it is
    expect((await importCsv(csv)).body).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(await contacts()).toHaveLength(2);
    // and Ben, imported first, is who a WhatsApp message from his number reaches
    sim.sendText({ from: '491517654321', text: 'Hi' });
    const benConversation = await eventually(async () => {
      const [ben] = await contacts('Ben');
      const found = (
        await t.api<{ data: Array<{ contactId: string }> }>('GET', `/api/v1/conversations?contactId=${ben?.id}`)
      ).body.data;
      return found.length === 1 ? found : undefined;
    });
    expect(benConversation).toHaveLength(1);
    expect(await contacts()).toHaveLength(2);
  });

  it('takes the file as one part of a multipart form as well', async () => {
    const form = new FormData();
    form.append('file', new Blob(['name,phone\nCleo,+4915112340000\n'], { type: 'text/csv' }), 'contacts.csv');
    const res = await fetch(`${t.url}/api/v1/contacts/import?defaultRegion=AT`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}` },
      body: form,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ created: 1, rejected: [] });
  });

  it('exports the contacts a search finds as CSV, formula cells defused, optionally with a byte order mark', async () => {
    expect((await importCsv('name,phone,note\n"=cmd|\' /C calc\'!A0",+4915112349999,@risk\n')).body).toMatchObject({
      created: 1,
    });
    const res = await fetch(`${t.url}/api/v1/contacts/export.csv?q=${encodeURIComponent('0151 12349999')}&bom=true`, {
      headers: { authorization: `Bearer ${t.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="contacts.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(new TextDecoder().decode(bytes), { bom: true }) as string[][];
    expect(rows).toEqual([
      ['id', 'name', 'phone', 'email', 'tags', 'attributes.note'],
      [expect.stringMatching(/^ct_/), "'=cmd|' /C calc'!A0", "'+4915112349999", '', '', "'@risk"],
    ]);
    // every contact, re-imported as exported: nothing changes
    const all = await t.api<string>('GET', '/api/v1/contacts/export.csv');
    expect((parse(all.body) as string[][]).length).toBe(1 + (await contacts()).length);
    expect((await importCsv(all.body)).body).toMatchObject({ created: 0, updated: 0, rejected: [] });
  });

  it("keeps each workspace to its own contacts: another workspace's export and ids do not reach them", async () => {
    const other = { authorization: 'Bearer sb_other_workspace_token_0123456789abcd' };
    await addWorkspace(t, other.authorization.slice(7));
    const [ana] = await contacts('Ana Lima');
    const res = await fetch(`${t.url}/api/v1/contacts/export.csv`, { headers: other });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('id,name,phone,email,tags\n');
    // the same number in the other workspace is a contact of its own there; an id from here is unknown there
    const there = await importCsv(`id,name\n${ana?.id},Mallory`, '', other);
    expect(there.body.rejected).toEqual([{ row: 2, field: 'id', reason: `no contact ${ana?.id} in this workspace` }]);
    expect((await importCsv('name,phone\nAna elsewhere,+4915112345678', '', other)).body).toMatchObject({ created: 1 });
    expect((await t.api<Contact>('GET', `/api/v1/contacts/${ana?.id}`)).body.name).toBe('Ana Lima');
  });

  it('answers 400, 413 and 415 with the reason, and keeps both routes to admins', async () => {
    const badRegion = await importCsv('phone\n015112345678', '?defaultRegion=Germany');
    expect(badRegion.status).toBe(400);
    expect(badRegion.body.error.message).toContain('defaultRegion');
    const unknown = await importCsv('phone,shoe size\n+4915112345678,44', '?unknownColumns=reject');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('unknown columns: shoe size');
    expect((await importCsv('name,phone\n"open,+49')).status).toBe(400);

    const tooManyRows = await importCsv(
      `phone\n${Array.from({ length: IMPORT_LIMITS.maxRows + 1 }, (_, i) => String(i)).join('\n')}`,
    );
    expect(tooManyRows.status).toBe(413);
    expect(tooManyRows.body.error.message).toContain(`${IMPORT_LIMITS.maxRows} rows`);
    const tooBig = await importCsv(`name\n${'x'.repeat(IMPORT_LIMITS.maxBytes + 70 * 1024)}`);
    expect(tooBig.status).toBe(413);

    const json = await t.api<ApiError>('POST', '/api/v1/contacts/import', { name: 'x' });
    expect(json.status).toBe(415);
    const withCharset = await importCsv('name,phone\nDora,+4915112348888', '', {
      'content-type': 'text/csv; charset=utf-8',
    });
    expect(withCharset.body).toMatchObject({ created: 1 });

    expect((await importCsv('phone\n+4915112345678', '', operator)).status).toBe(403);
    expect((await t.api('GET', '/api/v1/contacts/export.csv', undefined, operator)).status).toBe(403);
  });
  it('stores the tags column as the contact tags, and a re-upload of the same tags changes nothing', async () => {
    const csv = ['name,phone,tags', 'Tia Tag,+49 151 2223334,vip; newsletter', ''].join('\n');
    expect((await importCsv(csv)).body).toMatchObject({ created: 1, rejected: [], ignoredColumns: [] });
    const tagged = (await t.api<{ data: Array<{ name: string | null }> }>('GET', '/api/v1/contacts?tag=vip')).body.data;
    expect(tagged.map((c) => c.name)).toEqual(['Tia Tag']);
    expect((await importCsv(csv)).body).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    // the export carries them back in the same form
    const exported = await t.api<string>('GET', `/api/v1/contacts/export.csv?q=${encodeURIComponent('Tia Tag')}`);
    expect((parse(exported.body) as string[][])[1]?.[4]).toBe('vip; newsletter');
  });
});
