// In-memory WhatsApp Cloud world: app, access tokens, business accounts (WABAs), phone numbers, templates, media,
// customers with their 24 h service windows, and every message sent or received (https://developers.facebook.com/docs/whatsapp/cloud-api/get-started, https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages, https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates).
import { createHash, randomBytes } from 'node:crypto';
import type { SimClock } from '../clock.js';
import { randomAlnum, randomDigits } from '../random-ids.js';
import type { WaInboundMessage, WaStatus, WaTemplateCategory, WaTemplateComponent, WaTemplateStatus } from './types.js';

export const SERVICE_WINDOW_MS = 24 * 3600 * 1000;

export interface AppRecord {
  id: string;
  secret: string;
  /** App-level webhook callback (App Dashboard → WhatsApp → Configuration). */
  callbackUrl: string | undefined;
  verifyToken: string;
}

export interface WabaRecord {
  id: string;
  name: string;
  currency: string;
  timezoneId: string;
  namespace: string;
  /** Whether the app is subscribed to this WABA's webhooks (POST /{waba}/subscribed_apps). */
  subscribed: boolean;
  overrideCallbackUri: string | undefined;
  overrideVerifyToken: string | undefined;
}

export interface PhoneRecord {
  id: string;
  wabaId: string;
  /** Digits only, as in webhook metadata (e.g. `15550783881`). */
  displayPhoneNumber: string;
  verifiedName: string;
  qualityRating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
  /** Messages per second this number may send (default 80, https://developers.facebook.com/docs/whatsapp/cloud-api/overview#throughput). */
  throughputMps: number;
  /** Test numbers may only message these wa_ids (131030 otherwise); undefined = anyone. */
  allowedRecipients: Set<string> | undefined;
}

export interface TokenRecord {
  token: string;
  status: 'valid' | 'revoked';
  /** 0 = never expires (system user token). */
  expiresAt: number;
  /** WABAs the token may act on; undefined = all. */
  wabaIds: Set<string> | undefined;
  scopes: string[];
  userId: string;
}

export interface TemplateRecord {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  status: WaTemplateStatus;
  category: WaTemplateCategory;
  parameterFormat: 'POSITIONAL' | 'NAMED';
  components: WaTemplateComponent[];
}

export interface MediaRecord {
  id: string;
  phoneNumberId: string;
  wabaId: string;
  data: Buffer;
  mimeType: string;
  sha256Hex: string;
  filename: string | undefined;
  origin: 'upload' | 'customer';
  deleted: boolean;
}

export interface CustomerRecord {
  waId: string;
  profileName: string;
  /** Other spellings of the number that resolve to this wa_id (e.g. Brazil's 9th digit). */
  aliases: Set<string>;
  /** Sends to this customer are accepted, then fail with 131026. */
  undeliverable: boolean;
  /** The customer's phone sends `read` receipts. */
  readReceipts: boolean;
  /** phone number id → last inbound message time (opens the 24 h window). */
  lastInboundAt: Map<string, number>;
}

export interface StatusRecord {
  status: WaStatus['status'];
  at: number;
  errors?: WaStatus['errors'];
}

export interface OutboundRecord {
  wamid: string;
  phoneNumberId: string;
  /** `to` exactly as the business sent it. */
  to: string;
  waId: string;
  type: string;
  /** The request body as received. */
  request: Record<string, unknown>;
  createdAt: number;
  apiVersion: string | undefined;
  /** Pricing category: `service` for free-form, the template's category (lower-case) for templates. */
  category: string;
  /** Per-message pricing (PMP): free inside the service window for service and utility messages. */
  pricing: { billable: boolean; type: 'regular' | 'free_customer_service' };
  /** For templates: the text with parameters substituted. */
  rendered?: { header?: string; body?: string; footer?: string; buttons?: string[] };
  /** Bytes fetched from a media `link` (like Meta does before delivering). */
  fetchedMedia?: { url: string; status?: number; size?: number; error?: string };
  statuses: StatusRecord[];
  /** Set when the message is (or will be) reported `failed`. */
  failure?: { code: number; details?: string };
  /** The customer read it (a `read` status was generated or emitted). */
  readAt?: number;
}

export interface InboundRecord {
  wamid: string;
  phoneNumberId: string;
  from: string;
  message: WaInboundMessage;
  at: number;
  /** Set when the business marked it read (POST messages `status: read`). */
  readByBusinessAt?: number;
  typingIndicatorAt?: number;
}

export interface ConversationRecord {
  id: string;
  expiresAt: number;
  origin: string;
}

export class WhatsAppState {
  readonly app: AppRecord;
  readonly wabas = new Map<string, WabaRecord>();
  readonly phones = new Map<string, PhoneRecord>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly templates = new Map<string, TemplateRecord>();
  readonly media = new Map<string, MediaRecord>();
  readonly customers = new Map<string, CustomerRecord>();
  private readonly aliasIndex = new Map<string, string>();
  readonly outbound = new Map<string, OutboundRecord>();
  readonly inbound = new Map<string, InboundRecord>();
  readonly conversations = new Map<string, ConversationRecord>();

  constructor(
    readonly clock: SimClock,
    app: { id?: string; secret?: string; verifyToken?: string },
  ) {
    this.app = {
      id: app.id ?? randomDigits(16),
      secret: app.secret ?? randomBytes(16).toString('hex'),
      callbackUrl: undefined,
      verifyToken: app.verifyToken ?? `verify_${randomAlnum(16)}`,
    };
  }

  createWaba(input: { id?: string; name?: string; subscribed?: boolean } = {}): WabaRecord {
    const id = input.id ?? randomDigits(15);
    if (this.wabas.has(id)) throw new Error(`WABA ${id} already exists`);
    const waba: WabaRecord = {
      id,
      name: input.name ?? 'Switchboard Sim WABA',
      currency: 'USD',
      timezoneId: '1',
      namespace: `${randomAlnum(8).toLowerCase()}_${randomAlnum(4).toLowerCase()}_${randomAlnum(4).toLowerCase()}`,
      subscribed: input.subscribed ?? true,
      overrideCallbackUri: undefined,
      overrideVerifyToken: undefined,
    };
    this.wabas.set(id, waba);
    return waba;
  }

  requireWaba(id: unknown): WabaRecord {
    const waba = this.wabas.get(String(id));
    if (!waba) throw new Error(`unknown WABA ${String(id)}`);
    return waba;
  }

  createPhone(input: {
    id?: string;
    wabaId: string;
    displayPhoneNumber?: string;
    verifiedName?: string;
    throughputMps?: number;
    allowedRecipients?: string[];
  }): PhoneRecord {
    this.requireWaba(input.wabaId);
    const id = input.id ?? randomDigits(15);
    if (this.phones.has(id)) throw new Error(`phone number ${id} already exists`);
    const phone: PhoneRecord = {
      id,
      wabaId: input.wabaId,
      displayPhoneNumber: digitsOf(input.displayPhoneNumber ?? `1555${randomDigits(7)}`),
      verifiedName: input.verifiedName ?? 'Switchboard Test',
      qualityRating: 'GREEN',
      throughputMps: input.throughputMps ?? 80,
      allowedRecipients: input.allowedRecipients ? new Set(input.allowedRecipients.map(digitsOf)) : undefined,
    };
    this.phones.set(id, phone);
    return phone;
  }

  requirePhone(id: unknown): PhoneRecord {
    const phone = this.phones.get(String(id));
    if (!phone) throw new Error(`unknown phone number id ${String(id)}`);
    return phone;
  }

  createToken(
    input: { token?: string; wabaIds?: string[]; scopes?: string[]; expiresInMs?: number } = {},
  ): TokenRecord {
    const token = input.token ?? `EAAG${randomAlnum(180)}`;
    const rec: TokenRecord = {
      token,
      status: 'valid',
      expiresAt: input.expiresInMs ? this.clock.now() + input.expiresInMs : 0,
      wabaIds: input.wabaIds ? new Set(input.wabaIds.map(String)) : undefined,
      scopes: input.scopes ?? ['whatsapp_business_management', 'whatsapp_business_messaging'],
      userId: randomDigits(15),
    };
    this.tokens.set(token, rec);
    return rec;
  }

  requireToken(token: unknown): TokenRecord {
    const rec = this.tokens.get(String(token));
    if (!rec) throw new Error('unknown access token');
    return rec;
  }

  createTemplate(input: {
    wabaId: string;
    name: string;
    language: string;
    category?: WaTemplateCategory;
    status?: WaTemplateStatus;
    components?: WaTemplateComponent[];
    parameterFormat?: 'POSITIONAL' | 'NAMED';
    id?: string;
  }): TemplateRecord {
    this.requireWaba(input.wabaId);
    if (this.findTemplate(input.wabaId, input.name, input.language))
      throw new Error(`template ${input.name}/${input.language} already exists`);
    const rec: TemplateRecord = {
      id: input.id ?? randomDigits(16),
      wabaId: input.wabaId,
      name: input.name,
      language: input.language,
      status: input.status ?? 'APPROVED',
      category: input.category ?? 'UTILITY',
      parameterFormat:
        input.parameterFormat ??
        (/\{\{\s*[a-z_]/i.test(JSON.stringify(input.components ?? [])) ? 'NAMED' : 'POSITIONAL'),
      components: input.components ?? [{ type: 'BODY', text: 'Hello' }],
    };
    this.templates.set(rec.id, rec);
    return rec;
  }

  findTemplate(wabaId: string, name: string, language: string): TemplateRecord | undefined {
    for (const t of this.templates.values())
      if (t.wabaId === wabaId && t.name === name && t.language === language) return t;
    return undefined;
  }

  templatesOf(wabaId: string): TemplateRecord[] {
    return [...this.templates.values()].filter((t) => t.wabaId === wabaId);
  }

  addMedia(input: {
    phone: PhoneRecord;
    data: Buffer;
    mimeType: string;
    filename?: string | undefined;
    origin: MediaRecord['origin'];
  }): MediaRecord {
    const rec: MediaRecord = {
      id: randomDigits(16),
      phoneNumberId: input.phone.id,
      wabaId: input.phone.wabaId,
      data: input.data,
      mimeType: input.mimeType,
      sha256Hex: createHash('sha256').update(input.data).digest('hex'),
      filename: input.filename,
      origin: input.origin,
      deleted: false,
    };
    this.media.set(rec.id, rec);
    return rec;
  }

  /** The customer for a wa_id or any alias, if known. */
  findCustomer(waIdOrAlias: string): CustomerRecord | undefined {
    const digits = digitsOf(waIdOrAlias);
    return this.customers.get(this.aliasIndex.get(digits) ?? digits);
  }

  /** The customer for a wa_id or any alias; created on first use. */
  customer(input: { waId: string; profileName?: string | undefined }): CustomerRecord {
    const digits = digitsOf(input.waId);
    const existing = this.customers.get(this.aliasIndex.get(digits) ?? digits);
    if (existing) {
      if (input.profileName) existing.profileName = input.profileName;
      return existing;
    }
    const rec: CustomerRecord = {
      waId: digits,
      profileName: input.profileName ?? 'Customer',
      aliases: new Set(),
      undeliverable: false,
      readReceipts: true,
      lastInboundAt: new Map(),
    };
    this.customers.set(digits, rec);
    return rec;
  }

  addAlias(customer: CustomerRecord, alias: string): void {
    const digits = digitsOf(alias);
    customer.aliases.add(digits);
    this.aliasIndex.set(digits, customer.waId);
  }

  /** Whether the 24 h customer-service window with this phone number is open (https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates). */
  windowOpen(customer: CustomerRecord, phoneNumberId: string): boolean {
    const last = customer.lastInboundAt.get(phoneNumberId);
    return last !== undefined && this.clock.now() - last <= SERVICE_WINDOW_MS;
  }

  /** The conversation a business message is billed in (one per phone/customer/category per 24 h). */
  conversation(phoneNumberId: string, waId: string, category: string, origin: string): ConversationRecord {
    const key = `${phoneNumberId}/${waId}/${category}`;
    const now = this.clock.now();
    let conv = this.conversations.get(key);
    if (!conv || conv.expiresAt <= now) {
      conv = { id: randomBytes(16).toString('hex'), expiresAt: now + SERVICE_WINDOW_MS, origin };
      this.conversations.set(key, conv);
    }
    return conv;
  }
}

export function digitsOf(s: string): string {
  return String(s).replace(/\D/g, '');
}

/** A wamid shaped like Meta's: `wamid.` + base64 of a small protobuf-ish blob holding the customer's number. */
export function newWamid(waId: string): string {
  const number = Buffer.from(waId, 'ascii');
  const id = Buffer.from(randomBytes(10).toString('hex').toUpperCase(), 'ascii');
  const blob = Buffer.concat([
    Buffer.from([0x1c, 0x18, number.length]),
    number,
    Buffer.from([0x15, 0x02, 0x00, 0x12, 0x18, id.length]),
    id,
    Buffer.from([0x00]),
  ]);
  return `wamid.${blob.toString('base64')}`;
}

/** `+1 555-078-3881` style display (GET phone number); digits stay as-is elsewhere. */
export function prettyPhone(digits: string): string {
  const m = /^1(\d{3})(\d{3})(\d{4})$/.exec(digits);
  if (m) return `+1 ${m[1]}-${m[2]}-${m[3]}`;
  return `+${digits}`;
}
