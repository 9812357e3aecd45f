import { describe, expect, it } from 'vitest';
import { phoneInput } from './Team.tsx';

describe('the phone a handed-over call rings', () => {
  it('takes an E.164 number or a SIP URI as the hub will store it, trimmed', () => {
    expect(phoneInput(' +15017122661 ')).toEqual({ phone: '+15017122661' });
    expect(phoneInput('sip:desk@pbx.example.com')).toEqual({ phone: 'sip:desk@pbx.example.com' });
    expect(phoneInput('sips:7001@10.0.0.5:5061')).toEqual({ phone: 'sips:7001@10.0.0.5:5061' });
  });

  it('an empty field removes it', () => {
    expect(phoneInput('   ')).toEqual({ phone: null });
  });

  it('refuses, with the reason, what the hub would refuse', () => {
    for (const bad of [
      '0301234567',
      '+1 501 712 2661',
      'sip:pbx.example.com',
      'sip:desk@pbx.example.com;maddr=10.0.0.9',
      'call me',
    ]) {
      const result = phoneInput(bad);
      expect(result, bad).toHaveProperty('error');
      expect('error' in result && result.error).toContain('E.164');
    }
  });
});
