/**
 * @module channel-kit/config-schema
 * Marking secret fields in a connector's zod config schema. The mark travels into the JSON Schema
 * (writeOnly, x-secret) that renders the UI form, and drives encryption at rest and masking.
 */
import { z } from 'zod';

const SECRET_KEY = 'x-secret';
const GENERATED_KEY = 'x-generated';
const ADMIN_ONLY_KEY = 'x-admin-only';
const ENDPOINT_KEY = 'x-provider-endpoint';
const LEARNED_KEY = 'x-learned';
const HELP_URL_KEY = 'x-help-url';

/** Marks a config field as secret: encrypted at rest, masked in every response and log. */
export function secret<T extends z.ZodType>(schema: T, meta: { generated?: boolean; description?: string } = {}): T {
  return schema.meta({
    [SECRET_KEY]: true,
    writeOnly: true,
    ...(meta.generated ? { [GENERATED_KEY]: true } : {}),
    ...(meta.description ? { description: meta.description } : {}),
  }) as T;
}

/**
 * Marks a config value the admin must copy into the provider's dashboard (WhatsApp's webhook verify token): shown
 * to owners and admins, who configure the provider, and masked for operators, who only answer conversations. It
 * is not sealed: the admin has to be able to read it back.
 */
export function adminOnly<T extends z.ZodType>(schema: T, meta: { description?: string } = {}): T {
  return schema.meta({ [ADMIN_ONLY_KEY]: true, ...(meta.description ? { description: meta.description } : {}) }) as T;
}

/**
 * Marks a URL field as an endpoint of the provider itself, like `apiBaseUrl` (a customer's own server such as the
 * WhatsApp Coreapp, a second API of the provider): its origin may be private, as `apiBaseUrl`'s may
 */
export function providerEndpoint<T extends z.ZodType>(schema: T): T {
  return schema.meta({ [ENDPOINT_KEY]: true }) as T;
}

/** the URL fields whose origins the connection calls as its provider: `apiBaseUrl` and the marked ones */
export function providerEndpointFieldNames(schema: ObjectConfigSchema): string[] {
  return Object.entries(schema.shape)
    .filter(([name, field]) => name === 'apiBaseUrl' || hasMeta(field as z.ZodType, ENDPOINT_KEY))
    .map(([name]) => name);
}

/**
 * Marks a config value the connector learns from the provider when it starts (Telegram's bot @username from
 * getMe): forms do not offer it on create and show it read-only afterwards.
 */
export function learned<T extends z.ZodType>(schema: T): T {
  return schema.meta({ [LEARNED_KEY]: true }) as T;
}

/**
 * A config field's human label, help text and the page of the provider's console or documentation where the
 * value is found; forms render all three, so no channel needs a form of its own.
 */
export function labelled<T extends z.ZodType>(schema: T, meta: { title: string; help?: string; helpUrl?: string }): T {
  return schema.meta({
    title: meta.title,
    ...(meta.help ? { description: meta.help } : {}),
    ...(meta.helpUrl ? { [HELP_URL_KEY]: meta.helpUrl } : {}),
  }) as T;
}

/** a schema and the ones it wraps (optional/default/nullable keep the marked schema as their inner type) */
export function schemaChain(schema: z.ZodType): z.ZodType[] {
  const chain: z.ZodType[] = [schema];
  let current: z.ZodType = schema;
  // optional/default/nullable wrappers keep the marked schema as their inner type
  for (let i = 0; i < 5; i++) {
    const def = (current as unknown as { _zod: { def: { innerType?: z.ZodType } } })._zod.def;
    if (!def.innerType) break;
    current = def.innerType;
    chain.push(current);
  }
  return chain;
}

function hasMeta(schema: z.ZodType, key: string): boolean {
  return schemaChain(schema).some((s) => Boolean(z.globalRegistry.get(s)?.[key]));
}

export type ObjectConfigSchema = z.ZodObject<z.ZodRawShape>;

export function secretFieldNames(schema: ObjectConfigSchema): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => hasMeta(field as z.ZodType, SECRET_KEY))
    .map(([name]) => name);
}

/** the secrets an admin has to bring from the provider (tokens, app secrets): secret fields the hub does not generate */
export function credentialFieldNames(schema: ObjectConfigSchema): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => hasMeta(field as z.ZodType, SECRET_KEY) && !hasMeta(field as z.ZodType, GENERATED_KEY))
    .map(([name]) => name);
}

export function adminOnlyFieldNames(schema: ObjectConfigSchema): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => hasMeta(field as z.ZodType, ADMIN_ONLY_KEY))
    .map(([name]) => name);
}

const ACRONYMS = new Set([
  'api',
  'url',
  'id',
  'ids',
  'sms',
  'imap',
  'smtp',
  'http',
  'https',
  'waba',
  'rcs',
  'vk',
  'ai',
]);

/**
 * A camelCase config key as a label ("phoneNumberIds" → "Phone number IDs", "apiBaseUrl" → "API base URL"): every
 * field has a readable label even where its connector gives no title.
 */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .split(/\s+/)
    .map((w) => w.toLowerCase());
  return words
    .map((w, i) => {
      if (ACRONYMS.has(w)) return w === 'ids' ? 'IDs' : w.toUpperCase();
      return i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w;
    })
    .join(' ');
}

// the wording connectors use for values they learn at start, for fields not marked with learned()
const LEARNED_WORDING = /\b(learned|fetched)\b[^.;]*\bat start\b/i;

/**
 * JSON Schema of a connector config, for the UI form and the API catalog. Each top-level field gets a `title`
 * (the connector's configHelp, its own, or its key made readable), `x-help-url` where the connector says where the
 * value is found, and `x-learned` where its description says the connector learns it at start.
 */
export function configJsonSchema(
  schema: ObjectConfigSchema,
  help: Readonly<Record<string, { title?: string; helpUrl: string }>> = {},
): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const props = json.properties as Record<string, Record<string, unknown>> | undefined;
  for (const [key, field] of Object.entries(props ?? {})) {
    const h = help[key];
    if (h?.title) field.title = h.title;
    if (h) field[HELP_URL_KEY] = h.helpUrl;
    if (typeof field.title !== 'string' || field.title === '') field.title = humanizeKey(key);
    if (typeof field.description === 'string' && LEARNED_WORDING.test(field.description)) field[LEARNED_KEY] = true;
  }
  return json;
}
