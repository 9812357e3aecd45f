import { describe, expect, it } from 'vitest';
import type { Connection, ConnectionType, Identity } from '../../../sdk/src/index.ts';
import { callsOnly, messageRoutes } from './ContactPanel.tsx';

const type = (name: string, capabilities: Record<string, unknown>): [string, ConnectionType] => [
  name,
  {
    type: name,
    displayName: name,
    description: '',
    addressKind: 'phone',
    canCheck: false,
    needsCredentials: true,
    features: [],
    capabilities,
    configSchema: {},
  },
];
// the capabilities as GET /connection-types answers them for a phone line and an SMS number
const types = new Map([
  type('twilio-voice', { outbound: ['text'], buttons: 0, templates: false, spoken: true }),
  type('twilio-sms', { outbound: ['text', 'image'], buttons: 0, templates: false }),
]);
const connection = (id: string, t: string, patch: Partial<Connection> = {}) =>
  ({ id, type: t, name: id, deprecated: false, status: 'RUNNING', ...patch }) as Connection;
const identity = (id: string, channelType: string, connectionId: string | null = null): Identity => ({
  id,
  channelType,
  address: '+14155550100',
  connectionId,
});

describe('starting a conversation from the contact panel', () => {
  const line = connection('conn_line', 'twilio-voice');
  const sms = connection('conn_sms', 'twilio-sms');
  const otherSms = connection('conn_sms2', 'twilio-sms');

  it('a phone line (a spoken channel) is never a route for a first message; the contact is calls-only', () => {
    const ids = [identity('id_voice', 'twilio-voice', line.id)];
    expect(messageRoutes(ids, [line, sms], types)).toEqual([]);
    expect(callsOnly(ids, types)).toBe(true);
  });

  it('the same contact with an SMS identity is written over SMS, the identity’s own connection first', () => {
    const ids = [identity('id_voice', 'twilio-voice', line.id), identity('id_sms', 'twilio-sms', sms.id)];
    const routes = messageRoutes(ids, [line, otherSms, sms], types);
    expect(routes.map((r) => r.key)).toEqual(['id_sms|conn_sms', 'id_sms|conn_sms2']);
    expect(callsOnly(ids, types)).toBe(false);
  });

  it('a deprecated connection is no route, and a contact without identities is not calls-only', () => {
    const ids = [identity('id_sms', 'twilio-sms')];
    expect(messageRoutes(ids, [connection('old', 'twilio-sms', { deprecated: true })], types)).toEqual([]);
    expect(callsOnly([], types)).toBe(false);
  });
});
