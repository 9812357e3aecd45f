/**
 * Contact import and export over a real store, on SQLite and PostgreSQL: a second upload of the same file changes
 * nothing, bad rows are reported with their reason and column, a national number meets the contact a WhatsApp
 * message from the E.164 number created (and the other way round), an export re-imports unchanged, and cells a
 * spreadsheet would run as a formula are defused.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnector } from '../../channel-kit/test-connector.js';
import { connectors } from '../../channels/index.js';
import { newId } from '../../model/index.js';
import { openTestStore, type TestStore } from '../../testing/test-databases.js';
import { upsertContact } from '../conversations/conversation-writer.js';
import { createRegistry } from '../deps.js';
import { AppError } from '../errors.js';
import type { NewOutboxRow, Store, StoreOps } from '../ports/index.js';
import { searchSpellings } from './address-normalizer.js';
import { ContactTransfer, IMPORT_LIMITS, defuseFormula, type ContactTagWriter } from './contact-import.js';

/** a channel whose customers are mailboxes: the kit's test connector declaring the email kind */
const mailConnector = { ...testConnector, type: 'x-mail' as const, addressKind: 'email' as const };
const registry = createRegistry([...connectors, mailConnector]);
/** every registered phone channel gets the imported number (whatsapp, SMS…), in sorted order */
const PHONE_TYPES = connectors.filter((c) => c.addressKind === 'phone').map((c) => c.type);
const onPhoneTypes = (suffix: (type: string) => string) => PHONE_TYPES.map(suffix);
/** and every registered email channel the imported email (the test's own x-mail among them) */
const EMAIL_TYPES = connectors.filter((c) => c.addressKind === 'email').map((c) => c.type);
const onEmailTypes = (suffix: (type: string) => string) => ['x-mail', ...EMAIL_TYPES].map(suffix);

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`contact import and export: ${dialect}`, () => {
    let db: TestStore;
    let store: Store;
    let commits = 0;

    const transfer = (tags?: ContactTagWriter) =>
      new ContactTransfer(
        { store, registry, clock: { now: () => new Date() }, afterCommit: () => void commits++ },
        (workspaceId, page, q) =>
          q
            ? store.searchContacts(workspaceId, { text: q, addresses: searchSpellings(q, []) }, page)
            : store.listContacts(workspaceId, page),
        tags,
      );
    /** a workspace of its own for each test, with a German WhatsApp connection when asked */
    const workspace = async (region?: string) => {
      const ws = newId('ws');
      const at = new Date().toISOString();
      await store.insertWorkspace({ id: ws, name: 'import', createdAt: at });
      if (region)
        await store.insertConnection({
          id: newId('conn'),
          workspaceId: ws,
          type: 'whatsapp',
          name: 'wa',
          description: '',
          config: { defaultRegion: region },
          status: 'STOPPED',
          statusReason: null,
          deprecated: false,
          createdAt: at,
          updatedAt: at,
        });
      return ws;
    };
    const allContacts = async (ws: string) => (await store.listContacts(ws, { limit: 200 })).data;
    const identitiesOf = async (ws: string) =>
      (
        await Promise.all((await allContacts(ws)).map(async (c) => (await store.listIdentities(c.id)).map((i) => i)))
      ).flat();
    const exported = async (ws: string, q?: string, bom = false) => {
      let text = '';
      for await (const chunk of transfer().exportCsv(ws, q, { bom })) text += chunk;
      return text;
    };
    /** what an inbound WhatsApp message does to contacts: core/conversations/conversation-writer.ts */
    const whatsappFrom = (ws: string, address: string, name?: string) =>
      store.transaction((tx) => {
        const outbox: NewOutboxRow[] = [];
        return upsertContact(tx, ws, 'whatsapp', address, name, newId('conn'), new Date().toISOString(), outbox);
      });

    beforeAll(async () => {
      db = await openTestStore(dialect, 'contact_import');
      store = db.store;
      await store.migrate();
    });
    afterAll(async () => {
      await db?.dispose();
    });

    it('a second upload of the same file creates nothing and reports every row unchanged', async () => {
      const ws = await workspace('DE');
      const csv = [
        'name,phone,email,attributes.tier,city',
        'Ana Lima,+49 151 12345678,Ana@Example.COM,gold,Berlin',
        'Ben Ott,0151 7654321,,silver,',
        'Cleo,,cleo@example.org,,Hamburg',
      ].join('\n');
      expect(await transfer().importCsv(ws, csv)).toEqual({
        created: 3,
        updated: 0,
        unchanged: 0,
        rejected: [],
        ignoredColumns: [],
      });
      const before = await allContacts(ws);
      expect(await transfer().importCsv(ws, csv)).toEqual({
        created: 0,
        updated: 0,
        unchanged: 3,
        rejected: [],
        ignoredColumns: [],
      });
      expect((await allContacts(ws)).map((c) => c.id).sort()).toEqual(before.map((c) => c.id).sort());
      const ana = before.find((c) => c.name === 'Ana Lima');
      expect(ana?.attributes).toEqual({ tier: 'gold', city: 'Berlin', email: 'ana@example.com' });
      // the phone is a WhatsApp identity in E.164, read in the connection's region when written nationally
      expect((await identitiesOf(ws)).map((i) => `${i.channelType}:${i.address}:${i.connectionId}`).sort()).toEqual(
        [
          ...onPhoneTypes((t) => `${t}:+4915112345678:null`),
          ...onPhoneTypes((t) => `${t}:+491517654321:null`),
          ...onEmailTypes((t) => `${t}:ana@example.com:null`),
          ...onEmailTypes((t) => `${t}:cleo@example.org:null`),
        ].sort(),
      );
      expect(commits).toBeGreaterThan(0); // contact.created events went to the outbox and the relay was told
    });

    it('a changed value updates the matched contact; an empty cell keeps what is stored', async () => {
      const ws = await workspace();
      await transfer().importCsv(ws, 'name,phone,tier\nAna,+4915112345678,gold');
      expect(await transfer().importCsv(ws, 'name,phone,tier\nAna Lima,+49 151 12345678,\n')).toMatchObject({
        created: 0,
        updated: 1,
        unchanged: 0,
      });
      const [ana] = await allContacts(ws);
      expect(ana).toMatchObject({ name: 'Ana Lima', attributes: { tier: 'gold' } });
    });

    it('reports each refused row with its reason and column, and imports the rest', async () => {
      const ws = await workspace();
      const csv = [
        'name,phone,email,tags',
        'Letters,+49 151 CALL ME,,',
        'No domain,,ana@,',
        'Nothing to match,,,',
        'Short row,+4915112345678',
        `Too many tags,+4915112345679,,${Array.from({ length: 51 }, (_, i) => `t${i}`).join(';')}`,
        'Fine,+4915112345670,fine@example.com,vip; new ;vip',
      ].join('\n');
      const report = await transfer().importCsv(ws, csv);
      expect(report.created).toBe(1);
      expect(report.rejected).toEqual([
        { row: 2, field: 'phone', reason: expect.stringContaining('only digits') },
        { row: 3, field: 'email', reason: expect.stringContaining('domain') },
        { row: 4, field: null, reason: expect.stringContaining('needs a phone, an email or an id') },
        { row: 5, field: null, reason: 'the row has 2 cells, the header 4' },
        { row: 6, field: 'tags', reason: expect.stringContaining('at most 50 tags') },
      ]);
      // no tags storage was given: the column is read and validated, and said to be left unstored
      expect(report.ignoredColumns).toEqual(['tags']);
      expect((await allContacts(ws)).map((c) => c.name)).toEqual(['Fine']);
    });

    it('unknown columns are attributes by default, or refuse the file before any row when asked', async () => {
      const ws = await workspace();
      const csv = 'phone,Loyalty Level,attributes.source\n+4915112345678,3,fair';
      await expect(transfer().importCsv(ws, csv, { unknownColumns: 'reject' })).rejects.toMatchObject({
        code: 'VALIDATION',
        message: expect.stringContaining('unknown columns: Loyalty Level'),
      });
      expect(await allContacts(ws)).toEqual([]);
      expect(await transfer().importCsv(ws, csv)).toMatchObject({ created: 1 });
      expect((await allContacts(ws))[0]?.attributes).toEqual({ 'Loyalty Level': '3', source: 'fair' });
      for (const header of ['phone,phone', 'phone,,name', 'phone,attributes.email', 'phone,tier,attributes.tier'])
        await expect(transfer().importCsv(ws, `${header}\n`), header).rejects.toMatchObject({ code: 'VALIDATION' });
    });

    it('a national number with defaultRegion meets the contact a WhatsApp message from the E.164 number created', async () => {
      const ws = await workspace();
      const fromWhatsApp = await whatsappFrom(ws, '+4915112345678', 'Ana');
      expect(fromWhatsApp.created).toBe(true);
      // no phone connection with a region in this workspace: without ?defaultRegion the number is not German
      const without = await transfer().importCsv(ws, 'phone,tier\n0151 12345678,gold');
      expect(without.rejected).toEqual([{ row: 2, field: 'phone', reason: expect.stringContaining('international') }]);
      expect(await transfer().importCsv(ws, 'phone,tier\n0151 12345678,gold', { defaultRegion: 'DE' })).toMatchObject({
        created: 0,
        updated: 1,
      });
      const contacts = await allContacts(ws);
      expect(contacts.map((c) => c.id)).toEqual([fromWhatsApp.contactId]);
      expect(contacts[0]?.attributes).toEqual({ tier: 'gold' });
      await expect(transfer().importCsv(ws, 'phone\n1', { defaultRegion: 'Germany' })).rejects.toBeInstanceOf(AppError);
    });

    it('a WhatsApp message from an imported number lands on the imported contact', async () => {
      const ws = await workspace('DE');
      await transfer().importCsv(ws, 'name,phone\nAna Lima,0151 12345678');
      const [imported] = await allContacts(ws);
      const inbound = await whatsappFrom(ws, '+4915112345678', 'ana_wa');
      expect(inbound).toEqual({ contactId: imported?.id, created: false });
      expect((await allContacts(ws)).map((c) => c.name)).toEqual(['Ana Lima']);
    });

    it('matches by id and by the email attribute a web chat form left', async () => {
      const ws = await workspace();
      const at = new Date().toISOString();
      const fromForm = { id: newId('ct'), workspaceId: ws, name: null, attributes: { email: 'Ana@EXAMPLE.com' } };
      await store.insertContact({ ...fromForm, createdAt: at, updatedAt: at });
      expect(await transfer().importCsv(ws, 'name,email\nAna,Ana@Example.com')).toMatchObject({
        created: 0,
        updated: 1,
      });
      const byId = await transfer().importCsv(
        ws,
        `id,phone\n${fromForm.id},+4915112345678\nct_00000000000000000000000000,+4915112345679`,
      );
      expect(byId).toMatchObject({
        updated: 1,
        rejected: [{ row: 3, field: 'id', reason: expect.stringContaining('no contact') }],
      });
      expect(await allContacts(ws)).toEqual([
        expect.objectContaining({ id: fromForm.id, name: 'Ana', attributes: { email: 'ana@example.com' } }),
      ]);
      expect((await store.listIdentities(fromForm.id)).map((i) => `${i.channelType}:${i.address}`).sort()).toEqual(
        [...onPhoneTypes((t) => `${t}:+4915112345678`), ...onEmailTypes((t) => `${t}:ana@example.com`)].sort(),
      );
    });

    it('uploads of one file at the same time create each contact once', async () => {
      const ws = await workspace();
      const lines = Array.from({ length: 30 }, (_, i) => `+49151${String(20000000 + i)},c${i}@example.com`);
      const csv = `phone,email\n${lines.join('\n')}`;
      const reports = await Promise.all([1, 2, 3].map(() => transfer().importCsv(ws, csv)));
      expect(reports.flatMap((r) => r.rejected)).toEqual([]);
      expect(reports.reduce((sum, r) => sum + r.created, 0)).toBe(30);
      expect(reports.reduce((sum, r) => sum + r.created + r.unchanged, 0)).toBe(90);
      expect(await allContacts(ws)).toHaveLength(30);
    });

    it('refuses a row whose phone and email belong to different contacts', async () => {
      const ws = await workspace();
      await transfer().importCsv(ws, 'name,phone,email\nA,+4915112345678,\nB,,b@example.com');
      const report = await transfer().importCsv(ws, 'phone,email\n+4915112345678,b@example.com');
      expect(report.rejected).toEqual([
        { row: 2, field: 'email', reason: expect.stringContaining('belong to different contacts') },
      ]);
      expect(await allContacts(ws)).toHaveLength(2);
    });

    it('an export re-imports unchanged, with formula cells defused, and finds what the search finds', async () => {
      const ws = await workspace();
      const csv = [
        'name,phone,email,attributes.note,attributes.score',
        '"=HYPERLINK(""http://x.example"",""click"")",+4915112345678,ana@example.com,"@SUM(A1) and ""quotes""",-5',
        '"Ben, Jr.",+4915112345679,,"line one\nline two",+3',
        'Zoë Ünal,,zoe@example.com,tab\there,7',
      ].join('\n');
      expect(await transfer().importCsv(ws, csv)).toMatchObject({ created: 3, rejected: [] });
      const text = await exported(ws);
      const rows = parse(text) as string[][];
      expect(rows[0]).toEqual(['id', 'name', 'phone', 'email', 'tags', 'attributes.note', 'attributes.score']);
      const byName = new Map(rows.slice(1).map((r) => [r[1], r]));
      expect(byName.get(`'=HYPERLINK("http://x.example","click")`)).toEqual([
        expect.stringMatching(/^ct_/),
        `'=HYPERLINK("http://x.example","click")`,
        "'+4915112345678",
        'ana@example.com',
        '',
        `'@SUM(A1) and "quotes"`,
        "'-5",
      ]);
      expect(byName.get('Ben, Jr.')?.slice(5)).toEqual(['line one\nline two', "'+3"]);
      expect(byName.get('Zoë Ünal')?.slice(2)).toEqual(['', 'zoe@example.com', '', 'tab\there', '7']);
      // every cell a spreadsheet would evaluate starts with the quote
      for (const cell of rows.slice(1).flat()) expect(/^[=+\-@\t\r]/.test(cell), cell).toBe(false);

      expect(await transfer().importCsv(ws, text)).toMatchObject({
        created: 0,
        updated: 0,
        unchanged: 3,
        rejected: [],
      });
      expect(await allContacts(ws)).toHaveLength(3);

      // the search of GET /contacts?q=, and the optional byte order mark
      const found = parse(await exported(ws, 'zoe@example.com', true), { bom: true }) as string[][];
      expect(found.map((r) => r[1])).toEqual(['name', 'Zoë Ünal']);
      expect((await exported(ws, 'zoe@example.com', true)).startsWith('\ufeffid,')).toBe(true);
    });

    it('pages through more contacts than one export page', async () => {
      const ws = await workspace();
      const lines = Array.from({ length: 450 }, (_, i) => `+49151${String(10000000 + i)},${i % 7}`);
      expect(await transfer().importCsv(ws, `phone,n\n${lines.join('\n')}`)).toMatchObject({ created: 450 });
      const rows = parse(await exported(ws)) as string[][];
      expect(rows).toHaveLength(451);
      expect(new Set(rows.slice(1).map((r) => r[2])).size).toBe(450);
    });

    it('refuses more rows or bytes than the limits, before touching a contact', async () => {
      const ws = await workspace();
      const rows = Array.from({ length: IMPORT_LIMITS.maxRows + 1 }, (_, i) => `+4915${String(100000000 + i)}`);
      await expect(transfer().importCsv(ws, `phone\n${rows.join('\n')}`)).rejects.toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        message: expect.stringContaining(`${IMPORT_LIMITS.maxRows} rows`),
      });
      const big = `name,phone\n${'x'.repeat(IMPORT_LIMITS.maxBytes)},+4915112345678`;
      await expect(transfer().importCsv(ws, big)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      await expect(transfer().importCsv(ws, 'name,phone\n"unclosed,+49151')).rejects.toMatchObject({
        code: 'VALIDATION',
      });
      expect(await allContacts(ws)).toEqual([]);
    });

    it('hands the parsed tags to the tag writer inside the row transaction, when there is one', async () => {
      const ws = await workspace();
      const calls: Array<{ contactId: string; tags: string[] }> = [];
      const writer: ContactTagWriter = (_tx: StoreOps, contactId, tags) => {
        calls.push({ contactId, tags });
        return Promise.resolve(calls.length === 2);
      };
      const csv = 'phone,tags\n+4915112345678,vip; new ;vip';
      expect(await transfer(writer).importCsv(ws, csv)).toMatchObject({ created: 1, ignoredColumns: [] });
      // the contact is unchanged but its tags changed: the row counts as updated
      expect(await transfer(writer).importCsv(ws, csv)).toMatchObject({ updated: 1, unchanged: 0 });
      const [contact] = await allContacts(ws);
      expect(calls).toEqual([
        { contactId: contact?.id, tags: ['vip', 'new'] },
        { contactId: contact?.id, tags: ['vip', 'new'] },
      ]);
    });
  });
}

describe('defuseFormula', () => {
  it('quotes what a spreadsheet evaluates and nothing else', () => {
    expect(['=1+1', '+1', '-1', '@A1', '\tx', '\rx', 'a=b', '', "'=x"].map(defuseFormula)).toEqual([
      "'=1+1",
      "'+1",
      "'-1",
      "'@A1",
      "'\tx",
      "'\rx",
      'a=b',
      '',
      "'=x",
    ]);
  });
});
