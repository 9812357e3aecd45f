/**
 * @module core/contacts/contact-import
 * Contacts in and out as CSV. Import reads `name`, `phone`, `email`, `tags`, `id` and attribute columns
 * (`attributes.<key>`, or any other header), validates each row on its own, and matches it to an existing contact by
 * normalized identity, so uploading the same file twice changes nothing. Export writes the contacts a search finds
 * (the same search as GET /contacts?q=), page by page, with cells that a spreadsheet would run as a formula defused.
 *
 * Where an imported phone goes: an identity on every channel type whose connector declares `addressKind: 'phone'`
 * (WhatsApp today), with no connection. The identity key is (workspace, channel type, address), so the inbound
 * WhatsApp message of that number finds the imported contact, and a contact that WhatsApp created is found by the
 * import; a channel-agnostic "phone" identity would need every lookup to look twice. Emails go the same way to
 * `addressKind: 'email'` channel types, and into the `email` attribute, which the contact search already matches
 * (and which is the only place for them while no email channel exists).
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { isSupportedCountry } from 'libphonenumber-js';
import { defaultRegionOf } from '../../channel-kit/index.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { eventRow } from '../events.js';
import type { ContactRecord, NewOutboxRow, Page, PageQuery, StoreOps } from '../ports/index.js';
import { newId } from '../../model/index.js';
import { normalizeEmail, normalizePhone } from './address-normalizer.js';

export const IMPORT_LIMITS = {
  /** data rows in one upload (the header not counted) */
  maxRows: 10_000,
  /** bytes of one upload */
  maxBytes: 5 * 1024 * 1024,
  maxCell: 2_000,
  maxName: 200,
  maxAttributeKey: 64,
  maxTags: 50,
  maxTag: 64,
} as const;

export interface RejectedRow {
  /** the row's number as a spreadsheet shows it: the header is row 1, the first contact row 2 */
  row: number;
  reason: string;
  /** the column at fault (`phone`, `email`, `attributes.tier`, …); null when the row as a whole is */
  field: string | null;
}
export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  rejected: RejectedRow[];
  /** columns that were read and validated but are not stored (the `tags` column until tags are stored) */
  ignoredColumns: string[];
}

export interface ImportOptions {
  /** reads numbers written nationally; otherwise the defaultRegion of the workspace's phone connections */
  defaultRegion?: string | undefined;
  /** a header that is no known column: an attribute of that name (default), or the upload is refused */
  unknownColumns?: 'attribute' | 'reject' | undefined;
  /**
   * called in the row's transaction with the contact the row created or matched (a campaign's uploaded audience
   * records it there, so a row is in the audience exactly when its contact is written)
   */
  onContact?: ((tx: StoreOps, contactId: string) => Promise<void>) | undefined;
}

/**
 * Where imported tags go once contacts have tags: replaces a contact's tags inside the row's transaction and says
 * whether they changed. Without it the `tags` column is validated and reported in `ignoredColumns`.
 */
export type ContactTagWriter = (
  tx: StoreOps,
  contactId: string,
  tags: string[],
  at: string,
  workspaceId: string,
) => Promise<boolean>;

/** imported tags replace the contact's own (0013_contact_tags); unchanged tags write nothing, so a re-upload is idempotent */
export const storedContactTags: ContactTagWriter = async (tx, contactId, tags, at, workspaceId) => {
  const current = (await tx.getContact(workspaceId, contactId))?.tags ?? [];
  if (current.length === tags.length && current.every((t, i) => t === tags[i])) return false;
  await tx.updateContact(contactId, { tags }, at);
  return true;
};

/** the contact search of GET /contacts?q= (core/conversations/conversation-service.ts) */
export type ContactSearchFn = (workspaceId: string, page: PageQuery, q?: string) => Promise<Page<ContactRecord>>;

type Column =
  | { kind: 'id' | 'name' | 'phone' | 'email' | 'tags'; header: string }
  | { kind: 'attribute'; key: string; header: string };

interface RowPlan {
  row: number;
  id?: string;
  name?: string;
  phone?: string;
  email?: string;
  tags?: string[];
  attributes: Record<string, string>;
}

/** characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection") */
const FORMULA_START = /^[=+\-@\t\r]/;
/** a cell our export defused: the quote is taken off again on import, so an export re-imports unchanged */
const DEFUSED = /^'[=+\-@\t\r]/;
const CONTROL = /\p{Cc}/u;
const RESERVED_ATTRIBUTE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const EXPORT_PAGE = 200;
/** rows written in one transaction */
const BATCH_ROWS = 100;

type Outcome = 'created' | 'updated' | 'unchanged' | RejectedRow;
interface ImportContext {
  kinds: { phone: string[]; email: string[] };
  onContact?: ((tx: StoreOps, contactId: string) => Promise<void>) | undefined;
  /** contact ids by normalized `email` attribute, as committed so far */
  emails: Map<string, Set<string>>;
}
/** what one batch's transaction has done, taken over by the import only once it commits */
interface BatchState {
  outbox: NewOutboxRow[];
  emails: Map<string, Set<string>>;
  at: string;
}

/** the text a cell holds for an attribute value: strings as they are, anything else as JSON */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** prefixes a cell a spreadsheet would evaluate (= + - @, tab, carriage return) with a single quote */
export function defuseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

export class ContactTransfer {
  constructor(
    private readonly deps: Pick<CoreDeps, 'store' | 'registry' | 'clock' | 'afterCommit'>,
    private readonly search: ContactSearchFn,
    private readonly tags?: ContactTagWriter,
  ) {}

  /** imports a CSV text; a problem with the file as a whole (header, size, syntax) throws, a bad row is reported */
  async importCsv(workspaceId: string, text: string, options: ImportOptions = {}): Promise<ImportReport> {
    if (Buffer.byteLength(text, 'utf8') > IMPORT_LIMITS.maxBytes)
      throw new AppError('PAYLOAD_TOO_LARGE', `a contact import is at most ${IMPORT_LIMITS.maxBytes} bytes`);
    const region = options.defaultRegion;
    if (region !== undefined && !(/^[A-Z]{2}$/.test(region) && isSupportedCountry(region)))
      throw validation('defaultRegion', 'an ISO 3166-1 alpha-2 region with a telephone numbering plan, such as DE');
    let records: string[][];
    try {
      records = parse(text, {
        bom: true,
        relax_column_count: true,
        skip_empty_lines: true,
        max_record_size: IMPORT_LIMITS.maxCell * 64,
        // one more than allowed, so an oversized file is told apart from one exactly at the limit
        to: IMPORT_LIMITS.maxRows + 2,
      });
    } catch (error) {
      throw validation('body', `not readable as CSV: ${(error as Error).message}`);
    }
    const [header, ...rows] = records;
    if (!header) throw validation('body', 'the file is empty: the first row names the columns');
    if (rows.length > IMPORT_LIMITS.maxRows)
      throw new AppError('PAYLOAD_TOO_LARGE', `a contact import has at most ${IMPORT_LIMITS.maxRows} rows`);
    const columns = readHeader(header, options.unknownColumns ?? 'attribute');
    const regions = region ? [region] : await this.phoneRegions(workspaceId);
    const kinds = this.channelTypesByKind();
    const report: ImportReport = { created: 0, updated: 0, unchanged: 0, rejected: [], ignoredColumns: [] };
    if (!this.tags && columns.some((c) => c.kind === 'tags')) report.ignoredColumns.push('tags');

    const context: ImportContext = { kinds, emails: await this.emailIndex(workspaceId), onContact: options.onContact };
    const plans: RowPlan[] = [];
    for (const [index, cells] of rows.entries()) {
      if (cells.every((c) => c.trim() === '')) continue; // a row of empty cells (",,,") is no contact
      const plan = planRow(index + 2, cells, columns, regions);
      if ('reason' in plan) report.rejected.push(plan);
      else plans.push(plan);
    }
    for (let i = 0; i < plans.length; i += BATCH_ROWS)
      for (const outcome of await this.applyBatch(workspaceId, plans.slice(i, i + BATCH_ROWS), context)) {
        if (typeof outcome === 'string') report[outcome]++;
        else report.rejected.push(outcome);
      }
    report.rejected.sort((a, b) => a.row - b.row);
    return report;
  }

  /** the CSV of the contacts a search finds (all contacts without q), written page by page */
  async *exportCsv(
    workspaceId: string,
    q: string | undefined,
    options: { bom?: boolean } = {},
  ): AsyncGenerator<string> {
    const kinds = this.channelTypesByKind();
    // the attribute columns are known only after reading every contact: a first pass collects them, the second writes
    // (a key first set between the passes is left out of this export)
    const keys = new Set<string>();
    for await (const contact of this.contacts(workspaceId, q))
      for (const key of Object.keys(contact.attributes)) if (key !== 'email') keys.add(key);
    const attributeKeys = [...keys].sort();
    const header = ['id', 'name', 'phone', 'email', 'tags', ...attributeKeys.map((k) => `attributes.${k}`)];
    yield (options.bom ? '\ufeff' : '') + stringify([header]);
    let batch: string[][] = [];
    for await (const contact of this.contacts(workspaceId, q)) {
      const identities = await this.deps.store.listIdentities(contact.id);
      const phone = identities.find((i) => kinds.phone.includes(i.channelType))?.address ?? '';
      const email =
        identities.find((i) => kinds.email.includes(i.channelType))?.address ?? cellText(contact.attributes.email);
      const cells = [
        contact.id,
        contact.name ?? '',
        phone,
        email,
        // as the import reads them back: separated by semicolons
        (contact.tags ?? []).join('; '),
        ...attributeKeys.map((k) => cellText(contact.attributes[k])),
      ];
      batch.push(cells.map(defuseFormula));
      if (batch.length >= EXPORT_PAGE) {
        yield stringify(batch);
        batch = [];
      }
    }
    if (batch.length > 0) yield stringify(batch);
  }

  private async *contacts(workspaceId: string, q: string | undefined): AsyncGenerator<ContactRecord> {
    let cursor: string | undefined;
    do {
      const page = await this.search(workspaceId, { limit: EXPORT_PAGE, cursor }, q);
      yield* page.data;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /**
   * rows in one transaction, so a large file is not one commit per row. When another writer (an inbound message, a
   * concurrent import) gave one of the rows' addresses to a contact meanwhile, the batch is rolled back and read
   * again, and then matches that contact. A batch that still fails is replayed row by row, so only a row that fails
   * on its own fails the import (a PostgreSQL deadlock between two uploads ordering rows differently ends that way).
   */
  private async applyBatch(workspaceId: string, plans: RowPlan[], context: ImportContext): Promise<Outcome[]> {
    for (let attempt = 1; ; attempt++) {
      const at = this.deps.clock.now().toISOString();
      const batch: BatchState = { outbox: [], emails: new Map(), at };
      try {
        const outcomes = await this.deps.store.transaction(async (tx) => {
          const out: Outcome[] = [];
          for (const plan of plans) out.push(await this.applyRow(tx, workspaceId, plan, context, batch));
          if (batch.outbox.length > 0) await tx.insertOutbox(batch.outbox, at);
          return out;
        });
        for (const [email, ids] of batch.emails) for (const id of ids) addTo(context.emails, email, id);
        if (batch.outbox.length > 0) this.deps.afterCommit();
        return outcomes;
      } catch (error) {
        const conflict = error instanceof RowConflict;
        if (conflict && attempt < 3) continue;
        if (plans.length > 1) {
          const outcomes: Outcome[] = [];
          for (const plan of plans) outcomes.push(...(await this.applyBatch(workspaceId, [plan], context)));
          return outcomes;
        }
        if (error instanceof RowConflict)
          return [
            reject(plans[0]?.row ?? 0, error.field, `the ${error.field} kept changing during the import; upload again`),
          ];
        throw error;
      }
    }
  }

  /** one row inside its batch's transaction: matched by id, phone or email, then created or brought up to date */
  private async applyRow(
    tx: StoreOps,
    workspaceId: string,
    plan: RowPlan,
    { kinds, emails, onContact }: ImportContext,
    batch: BatchState,
  ): Promise<Outcome> {
    const { at } = batch;
    const wanted = [
      ...(plan.phone ? kinds.phone.map((channelType) => ({ channelType, address: plan.phone as string })) : []),
      ...(plan.email ? kinds.email.map((channelType) => ({ channelType, address: plan.email as string })) : []),
    ];
    // who the row's id, phone and email each point at; more than one contact means the row cannot be placed
    const owners = new Map<string, string>();
    const missing: typeof wanted = [];
    if (plan.id) {
      const byId = await tx.getContact(workspaceId, plan.id);
      if (!byId) return reject(plan.row, 'id', `no contact ${plan.id} in this workspace`);
      if (byId.mergedInto)
        return reject(plan.row, 'id', `contact ${plan.id} was merged into ${byId.mergedInto}; use that id`);
      owners.set(byId.id, 'id');
    }
    for (const w of wanted) {
      const found = await tx.findIdentity(workspaceId, w.channelType, w.address);
      if (found) owners.set(found.contactId, owners.get(found.contactId) ?? fieldOf(w.address, plan));
      else missing.push(w);
    }
    if (plan.email)
      for (const contactId of [...(emails.get(plan.email) ?? []), ...(batch.emails.get(plan.email) ?? [])])
        owners.set(contactId, owners.get(contactId) ?? 'email');
    if (owners.size > 1) {
      const [first, second] = [...owners.entries()];
      return reject(
        plan.row,
        second?.[1] ?? null,
        `the ${first?.[1]} and the ${second?.[1]} belong to different contacts (${[...owners.keys()].join(', ')}); merge them first`,
      );
    }
    const attributes = { ...plan.attributes, ...(plan.email ? { email: plan.email } : {}) };
    const [existingId] = [...owners.keys()];
    let contactId: string;
    let changed = false;
    if (existingId === undefined) {
      const contact: ContactRecord = {
        id: newId('ct'),
        workspaceId,
        name: plan.name ?? null,
        attributes,
        createdAt: at,
        updatedAt: at,
      };
      await tx.insertContact(contact);
      batch.outbox.push(eventRow('contact.created', workspaceId, { contact: { id: contact.id, name: contact.name } }));
      contactId = contact.id;
    } else {
      contactId = existingId;
      const contact = await tx.getContact(workspaceId, contactId);
      if (!contact || contact.mergedInto)
        return reject(plan.row, null, 'the matching contact was merged or erased during the import; upload again');
      if (plan.name !== undefined && plan.name !== contact.name) {
        await tx.updateContactName(contactId, plan.name, at);
        changed = true;
      }
      const differing = Object.fromEntries(
        Object.entries(attributes).filter(([k, v]) => cellText(contact.attributes[k]) !== v),
      );
      if (Object.keys(differing).length > 0) {
        await tx.mergeContactAttributes(contactId, differing, at);
        changed = true;
      }
    }
    if (plan.email) addTo(batch.emails, plan.email, contactId);
    for (const w of missing) {
      const inserted = await tx.insertIdentity({
        id: newId('cid'),
        workspaceId,
        contactId,
        channelType: w.channelType,
        address: w.address,
        connectionId: null,
        createdAt: at,
      });
      // another writer took the address since it was looked up: roll the batch back and read it again
      if (!inserted) throw new RowConflict(fieldOf(w.address, plan));
      changed = true;
    }
    if (plan.tags && this.tags && (await this.tags(tx, contactId, plan.tags, at, workspaceId))) changed = true;
    if (onContact) await onContact(tx, contactId);
    return existingId === undefined ? 'created' : changed ? 'updated' : 'unchanged';
  }

  /**
   * live contacts by the `email` attribute, normalized (a web chat form may have kept another case): read once per
   * import, since the attribute has no index and a search per row would read every contact for every row
   */
  private async emailIndex(workspaceId: string): Promise<Map<string, Set<string>>> {
    const index = new Map<string, Set<string>>();
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.listContacts(workspaceId, { limit: 500, cursor });
      for (const c of page.data) {
        const normalized = typeof c.attributes.email === 'string' ? normalizeEmail(c.attributes.email) : undefined;
        if (normalized?.ok) addTo(index, normalized.address, c.id);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return index;
  }

  private channelTypesByKind(): { phone: string[]; email: string[] } {
    const all = this.deps.registry.list();
    return {
      phone: all.filter((c) => c.addressKind === 'phone').map((c) => c.type),
      email: all.filter((c) => c.addressKind === 'email').map((c) => c.type),
    };
  }

  /** the default regions of the workspace's phone connections, each a reading of a nationally written number */
  private async phoneRegions(workspaceId: string): Promise<string[]> {
    const regions = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.listConnections(workspaceId, { limit: 200, cursor });
      for (const c of page.data) {
        const region = this.deps.registry.get(c.type)?.addressKind === 'phone' ? defaultRegionOf(c.config) : undefined;
        if (region) regions.add(region);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return [...regions].sort();
  }
}

class RowConflict extends Error {
  constructor(readonly field: string) {
    super(`conflict on ${field}`);
  }
}

function validation(field: string, message: string): AppError {
  return new AppError('VALIDATION', `${field}: ${message}`, { fields: [{ field, message }] });
}

function reject(row: number, field: string | null, reason: string): RejectedRow {
  return { row, reason, field };
}

function fieldOf(address: string, plan: RowPlan): string {
  return address === plan.phone ? 'phone' : 'email';
}

function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  const ids = index.get(key) ?? new Set<string>();
  ids.add(id);
  index.set(key, ids);
}

/** the columns a header names; a header the file cannot be read with is a 400 before any row is touched */
function readHeader(header: string[], unknownColumns: 'attribute' | 'reject'): Column[] {
  const seen = new Map<string, string>();
  const unknown: string[] = [];
  const columns = header.map((raw, index): Column => {
    const text = raw.trim();
    if (text === '') throw validation('header', `column ${index + 1} has no name`);
    const lower = text.toLowerCase();
    let column: Column;
    if (lower === 'id' || lower === 'name' || lower === 'phone' || lower === 'email' || lower === 'tags')
      column = { kind: lower, header: text };
    else if (lower.startsWith('attributes.')) column = { kind: 'attribute', key: text.slice(11), header: text };
    else {
      unknown.push(text);
      column = { kind: 'attribute', key: text, header: text };
    }
    if (column.kind === 'attribute') {
      const key = column.key;
      if (key === '' || key.length > IMPORT_LIMITS.maxAttributeKey || CONTROL.test(key))
        throw validation('header', `"${text}": an attribute key is 1 to ${IMPORT_LIMITS.maxAttributeKey} characters`);
      if (RESERVED_ATTRIBUTE_KEYS.has(key)) throw validation('header', `"${text}": not allowed as an attribute key`);
      // the email column is stored as the email attribute: both in one file would fight over it
      if (key === 'email') throw validation('header', `"${text}": use the email column for the email address`);
    }
    const target = column.kind === 'attribute' ? `attributes.${column.key}` : column.kind;
    const earlier = seen.get(target);
    if (earlier !== undefined) throw validation('header', `"${text}" and "${earlier}" name the same column`);
    seen.set(target, text);
    return column;
  });
  if (unknownColumns === 'reject' && unknown.length > 0)
    throw validation(
      'header',
      `unknown columns: ${unknown.join(', ')} (name attribute columns attributes.<key>, or import with unknownColumns=attribute)`,
    );
  return columns;
}

/** validates one row into what it asks for, or the reason it is refused */
function planRow(row: number, cells: string[], columns: Column[], regions: string[]): RowPlan | RejectedRow {
  if (cells.length !== columns.length)
    return reject(row, null, `the row has ${cells.length} cells, the header ${columns.length}`);
  const plan: RowPlan = { row, attributes: {} };
  for (const [index, column] of columns.entries()) {
    const raw = cells[index] ?? '';
    const cell = DEFUSED.test(raw) ? raw.slice(1) : raw;
    const field = column.kind === 'attribute' ? column.header : column.kind;
    if (cell.length > IMPORT_LIMITS.maxCell)
      return reject(row, field, `longer than ${IMPORT_LIMITS.maxCell} characters`);
    const text = cell.trim();
    if (text === '') continue; // an empty cell leaves the stored value as it is
    switch (column.kind) {
      case 'id':
        plan.id = text;
        break;
      case 'name':
        if (text.length > IMPORT_LIMITS.maxName)
          return reject(row, field, `a name is at most ${IMPORT_LIMITS.maxName} characters`);
        if (CONTROL.test(text)) return reject(row, field, 'a name may not contain control characters');
        plan.name = text;
        break;
      case 'phone': {
        const phone = readPhone(text, regions);
        if (!phone.ok) return reject(row, field, phone.reason);
        plan.phone = phone.address;
        break;
      }
      case 'email': {
        const email = normalizeEmail(text);
        if (!email.ok) return reject(row, field, email.reason);
        plan.email = email.address;
        break;
      }
      case 'tags': {
        const tags = [...new Set(text.split(';').map((t) => t.trim()))].filter((t) => t !== '');
        if (tags.length > IMPORT_LIMITS.maxTags)
          return reject(row, field, `at most ${IMPORT_LIMITS.maxTags} tags, separated by semicolons`);
        const bad = tags.find((t) => t.length > IMPORT_LIMITS.maxTag || CONTROL.test(t));
        if (bad !== undefined)
          return reject(row, field, `a tag is at most ${IMPORT_LIMITS.maxTag} characters, without control characters`);
        plan.tags = tags;
        break;
      }
      case 'attribute':
        plan.attributes[column.key] = text;
        break;
    }
  }
  if (!plan.id && !plan.phone && !plan.email)
    return reject(row, null, 'a row needs a phone, an email or an id, so that a second upload finds the same contact');
  return plan;
}

/** a phone in each region that may apply; readings that disagree need the uploader to say which region is meant */
function readPhone(text: string, regions: string[]): { ok: true; address: string } | { ok: false; reason: string } {
  const readings = (regions.length > 0 ? regions : [undefined]).map((defaultRegion) => ({
    defaultRegion,
    result: normalizePhone(text, { defaultRegion }),
  }));
  const ok = readings.flatMap((r) => (r.result.ok ? [{ region: r.defaultRegion, address: r.result.address }] : []));
  const addresses = new Set(ok.map((r) => r.address));
  if (addresses.size === 1) return { ok: true, address: [...addresses][0] as string };
  if (addresses.size > 1)
    return {
      ok: false,
      reason: `reads as ${ok.map((r) => `${r.address} in ${r.region}`).join(', ')}: name the region with ?defaultRegion=`,
    };
  const first = readings[0]?.result;
  return { ok: false, reason: first && !first.ok ? first.reason : 'not a phone number' };
}
