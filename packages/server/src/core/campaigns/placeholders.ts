/**
 * @module core/campaigns/placeholders
 * What a campaign step says to one contact: `{{contact.name}}`-style placeholders in free text and email, and
 * template variables mapped to contact fields (with a fallback) or constants. Pure: a contact in, strings out.
 */
import type { ContactRecord, VariableSource } from '../ports/index.js';

/** a field of the contact a step may name: `name`, `address` (where the step sends), `attributes.<key>` */
export function contactField(contact: ContactRecord, address: string, field: string): string | undefined {
  if (field === 'name') return contact.name ?? undefined;
  if (field === 'address') return address;
  const path = field.startsWith('attributes.') ? field.slice('attributes.'.length) : field;
  let v: unknown = contact.attributes;
  for (const part of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

const PLACEHOLDER = /\{\{\s*contact\.([A-Za-z0-9_.-]+)\s*(?:\|\s*([^}]*?)\s*)?\}\}/g;

/**
 * fills `{{contact.name}}`, `{{contact.attributes.city}}` (or `{{contact.city}}`) and `{{contact.name | there}}`
 * (a fallback after the bar); answers the fields that had no value and no fallback
 */
export function fillPlaceholders(
  text: string,
  contact: ContactRecord,
  address: string,
): { text: string; missing: string[] } {
  const missing: string[] = [];
  const filled = text.replace(PLACEHOLDER, (_m, field: string, fallback: string | undefined) => {
    const value = contactField(contact, address, field);
    if (value !== undefined && value.trim() !== '') return value;
    if (fallback !== undefined) return fallback;
    missing.push(field);
    return '';
  });
  return { text: filled, missing };
}

/** the template's variable values for one contact; a field without value or fallback is reported as missing */
export function templateValues(
  variables: Record<string, VariableSource>,
  contact: ContactRecord,
  address: string,
): { values: Record<string, string>; missing: string[] } {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, source] of Object.entries(variables)) {
    if ('value' in source) {
      values[name] = source.value;
      continue;
    }
    const value = contactField(contact, address, source.field);
    if (value !== undefined && value.trim() !== '') values[name] = value;
    else if (source.fallback !== undefined && source.fallback !== '') values[name] = source.fallback;
    else missing.push(`${name} (${source.field})`);
  }
  return { values, missing };
}
