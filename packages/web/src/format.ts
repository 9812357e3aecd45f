/** @module web/format: how times, sizes and people are written on screen, in one place. */
import type { Contact, Conversation, User } from '../../sdk/src/index.ts';

export function shortTime(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString()
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString();
}

export function fullTime(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** an ISO 8601 time as the server writes it inside a sentence (a health check's detail: "arrived at 2026-…Z") */
const ISO_TIME = /\b\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)/g;

/**
 * a sentence from the server cut around the ISO times in it, each time written as the app writes times (fullTime),
 * so a person never reads `2026-03-01T10:00:00.000Z`; the pieces keep the time itself for a <time> element
 */
export function withTimes(text: string): Array<string | { iso: string; text: string }> {
  const parts: Array<string | { iso: string; text: string }> = [];
  let last = 0;
  for (const m of text.matchAll(ISO_TIME)) {
    if (Number.isNaN(Date.parse(m[0]))) continue;
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push({ iso: m[0], text: fullTime(m[0]) });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

export function fileSize(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * A customer address as a person reads it: phone numbers, emails and handles as they are, a web chat visitor's
 * internal id (`vis_01m8…`) as "Visitor 1f3a" (the id's last four characters, enough to tell two apart).
 */
export function addressLabel(address: string): string {
  const visitor = /^vis_([0-9a-z]{4,})$/i.exec(address);
  return visitor?.[1] ? `Visitor ${visitor[1].slice(-4).toLowerCase()}` : address;
}

export function contactName(contact: Contact | undefined, conversation?: Conversation): string {
  if (contact?.name) return contact.name;
  const address = conversation?.address ?? contact?.identities?.[0]?.address;
  return address ? addressLabel(address) : 'Unknown contact';
}

export function userLabel(user: User | undefined, fallbackId?: string | null): string {
  if (user) return user.name || user.email;
  return fallbackId ? 'Someone else' : 'Unassigned';
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * an attribute's key as a person reads it: `first_name` and `firstName` → "First name" (the key itself stays in the
 * tooltip, for whoever writes rules or API calls against it)
 */
export function attributeLabel(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : key;
}
