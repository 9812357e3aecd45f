import { describe, expect, it } from 'vitest';
import type { ContactRecord } from '../ports/index.js';
import { fillPlaceholders, templateValues } from './placeholders.js';

const contact: ContactRecord = {
  id: 'ct_1',
  workspaceId: 'ws_1',
  name: 'Ada',
  attributes: { city: 'Berlin', tier: 3, plan: { name: 'pro' } },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('campaign placeholders', () => {
  it('fills contact fields, attributes by either spelling, nested attributes and fallbacks', () => {
    expect(
      fillPlaceholders(
        'Hi {{contact.name}} in {{ contact.attributes.city }}, tier {{contact.tier}}, {{contact.plan.name}}, {{contact.nick | friend}} at {{contact.address}}',
        contact,
        '+15550100',
      ),
    ).toEqual({ text: 'Hi Ada in Berlin, tier 3, pro, friend at +15550100', missing: [] });
  });
  it('reports a field that has neither a value nor a fallback', () => {
    expect(fillPlaceholders('Hi {{contact.nick}}!', { ...contact, name: null }, 'a')).toEqual({
      text: 'Hi !',
      missing: ['nick'],
    });
  });
  it('maps template variables to contact fields or constants, with fallbacks', () => {
    expect(
      templateValues(
        { 1: { field: 'name' }, 2: { value: 'A-17' }, 3: { field: 'attributes.nick', fallback: 'there' } },
        contact,
        'a',
      ),
    ).toEqual({ values: { 1: 'Ada', 2: 'A-17', 3: 'there' }, missing: [] });
    expect(templateValues({ 1: { field: 'attributes.nick' } }, contact, 'a').missing).toEqual(['1 (attributes.nick)']);
  });
});
