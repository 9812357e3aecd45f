import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../../sdk/src/index.ts';
import { fromValue, isStructured, toValue } from './ConnectionForm.tsx';

// shaped like the JSON Schemas GET /connection-types serves (zod → JSON Schema, io: input)
const hours: JsonSchema = {
  type: 'object',
  properties: {
    enabled: { type: 'boolean' },
    timeZone: { type: 'string' },
    days: {
      type: 'array',
      items: {
        type: 'object',
        properties: { day: { type: 'integer' }, from: { type: 'string' }, to: { type: 'string' } },
      },
    } as JsonSchema,
  },
};
const rules = { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } } as JsonSchema;
const ids = { type: 'array', items: { type: 'string' } } as JsonSchema;
const nullableObject: JsonSchema = { type: ['object', 'null'], properties: { a: { type: 'string' } } };

describe('connection form: nested config fields', () => {
  it('edits objects and lists of objects as JSON, but keeps lists of scalars and scalars as plain text', () => {
    expect(isStructured(hours)).toBe(true);
    expect(isStructured(rules)).toBe(true);
    expect(isStructured(nullableObject)).toBe(true);
    expect(isStructured(ids)).toBe(false);
    expect(isStructured({ type: 'string' })).toBe(false);
    expect(isStructured({ type: 'integer' })).toBe(false);
    expect(isStructured({ type: 'string', enum: ['a', 'b'] })).toBe(false);
  });

  it('round-trips a nested object and a list of objects through the JSON textarea unchanged', () => {
    const value = {
      enabled: true,
      timeZone: 'Europe/Berlin',
      days: [
        { day: 1, from: '09:00', to: '17:00' },
        { day: 6, from: '22:00', to: '02:00' },
      ],
    };
    const text = toValue(hours, value);
    expect(typeof text).toBe('string');
    expect(text).not.toContain('[object Object]');
    expect(fromValue(hours, text)).toEqual(value);
    const list = [{ name: 'first' }, { name: 'second' }];
    expect(fromValue(rules, toValue(rules, list))).toEqual(list);
    // an admin's edit of the text is what gets saved
    expect(fromValue(hours, String(text).replace('Europe/Berlin', 'Asia/Tokyo'))).toEqual({
      ...value,
      timeZone: 'Asia/Tokyo',
    });
  });

  it('refuses JSON that does not parse instead of saving it as text', () => {
    expect(() => fromValue(hours, '{"enabled": true,')).toThrow();
  });

  it('keeps the scalar conversions: lists as comma-separated text, numbers, booleans, empty values', () => {
    expect(toValue(ids, ['2002', '3003'])).toBe('2002, 3003');
    expect(fromValue(ids, '2002, 3003, ')).toEqual(['2002', '3003']);
    expect(fromValue({ type: 'integer' }, '42')).toBe(42);
    expect(toValue({ type: 'number' }, 1.5)).toBe('1.5');
    expect(toValue({ type: 'boolean' }, undefined)).toBe(false);
    expect(toValue({ type: 'boolean' }, true)).toBe(true);
    expect(toValue(hours, undefined)).toBe('');
    expect(toValue({ type: 'string' }, null)).toBe('');
  });
});
