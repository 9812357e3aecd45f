import { describe, expect, it } from 'vitest';
import { channelIconName } from './icons.tsx';

/** every channel type the catalog will list (the channel issues add their connectors one by one) */
const CATALOG = [
  'webchat',
  'telegram',
  'whatsapp',
  'whatsapp-onpremise',
  'messenger',
  'instagram',
  'vk',
  'email',
  'twilio-sms',
  'vonage-sms',
  'sms-gateway',
  'bird',
  'infobip',
  'intercom',
  'rcs',
  'twilio-voice',
  'sip',
];

describe('channel icons', () => {
  it('gives every channel type of the catalog its own icon, and an unknown type the plug', () => {
    for (const type of CATALOG) expect(channelIconName(type), type).not.toBe('plug');
    expect(channelIconName('x-custom')).toBe('plug');
  });
});
