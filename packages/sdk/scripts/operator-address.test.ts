/** The SDK's operator-address pattern is the one the hub's route checks a user's phone with (its OpenAPI document). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPERATOR_ADDRESS_PATTERN } from '../src/index.js';

interface PhoneSchema {
  anyOf: Array<{ type: string; pattern?: string }>;
}

describe('OPERATOR_ADDRESS_PATTERN', () => {
  it('is the pattern of phone in PATCH /api/v1/users/{id}', () => {
    const document = JSON.parse(readFileSync(new URL('../openapi.json', import.meta.url), 'utf8')) as {
      paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: unknown }> } }>>;
    };
    const body = document.paths['/api/v1/users/{id}']?.patch?.requestBody.content['application/json']?.schema as {
      properties: { phone: PhoneSchema };
    };
    const patterns = body.properties.phone.anyOf.flatMap((s) => (s.pattern ? [s.pattern] : []));
    expect(patterns).toEqual([OPERATOR_ADDRESS_PATTERN]);
  });

  it('takes E.164 numbers and SIP URIs, refuses what the hub refuses', () => {
    const ok = new RegExp(OPERATOR_ADDRESS_PATTERN);
    for (const good of [
      '+15017122661',
      'sip:desk@pbx.example.com',
      'sips:7001@10.0.0.5:5061',
      'sip:+15017122661@pbx.example.com;user=phone',
    ])
      expect(ok.test(good), good).toBe(true);
    for (const bad of ['5017122661', '+0123456789', '+1 501 712 2661', 'sip:pbx.example.com', 'tel:+15017122661', ''])
      expect(ok.test(bad), bad).toBe(false);
  });

  it('refuses URI parameters that would choose the transport or the next hop, a password and headers', () => {
    const ok = new RegExp(OPERATOR_ADDRESS_PATTERN);
    for (const bad of [
      'sips:7001@10.0.0.5:5061;transport=tls',
      'sip:desk@pbx.example.com;maddr=203.0.113.9',
      'sip:desk@pbx.example.com;user=phone;transport=tcp',
      'sip:desk@pbx.example.com;lr',
      'sip:desk;maddr=203.0.113.9@pbx.example.com',
      'sip:desk:secret@pbx.example.com',
      'sip:desk@pbx.example.com?Route=%3Csip:203.0.113.9%3E',
    ])
      expect(ok.test(bad), bad).toBe(false);
  });
});
