import { describe, expect, it } from 'vitest';
import type { Contact } from '../../../sdk/src/index.ts';
import { prefill, renderTemplate } from './TemplatePicker.tsx';

const lena: Contact = {
  id: 'ct_1',
  name: 'Lena Maier',
  attributes: { order: 'A-77', city: 'Berlin' },
  createdAt: '',
  updatedAt: '',
};

describe('template variables', () => {
  it('pre-fills from the contact: the first positional variable is the name, named ones match attributes or known keys', () => {
    expect(prefill('1', 0, lena, '4915111')).toBe('Lena Maier');
    expect(prefill('2', 1, lena, '4915111')).toBe('');
    expect(prefill('order', 1, lena, '4915111')).toBe('A-77');
    expect(prefill('City', 2, lena, '4915111')).toBe('Berlin');
    expect(prefill('first_name', 0, lena, '4915111')).toBe('Lena');
    expect(prefill('phone', 3, lena, '4915111')).toBe('4915111');
    expect(prefill('1', 0, undefined, '4915111')).toBe('');
  });

  it('renders the preview with the values, marking what is still empty', () => {
    expect(renderTemplate('Hi {{1}}, your order {{2}} has shipped.', { 1: 'Lena', 2: '' })).toBe(
      'Hi Lena, your order [2] has shipped.',
    );
    expect(renderTemplate('Hi {{ name }}!', { name: 'Jo' })).toBe('Hi Jo!');
  });
});
