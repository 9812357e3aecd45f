/**
 * The SIP connector against the shared contract (a listen connector: what its user agent hands the hub) and its
 * parse: call states, utterances as audio messages whose file waits in the spool, keys as text, the recording.
 */
import { describe, expect, it } from 'vitest';
import type { ListenedUpdate } from '../../channel-kit/connector.js';
import { listenedRequest } from '../../channel-kit/connector.js';
import { runConnectorContract } from '../../channel-kit/contract.js';
import { InboundEventSchema } from '../../model/index.js';
import { sipConfigSchema, type SipConfig } from './config.js';
import { sipConnector } from './index.js';
import { EVENT_HEADER } from './parse.js';

const config: SipConfig = sipConfigSchema.parse({
  trunk: { host: '127.0.0.1', port: 5070, username: 'acme', register: true },
  password: 'trunk-secret-1',
  didNumbers: ['+15005550106'],
});
const base = {
  callId: 'a84b4c76e66710@pc33',
  customer: '+14155550101',
  business: '+15005550106',
  at: '2030-01-01T00:00:00.000Z',
};
const ringing = { event: 'call', ...base, direction: 'inbound', state: 'ringing' };
const utterance = {
  event: 'utterance',
  ...base,
  seq: 1,
  file: 'c0123456789abcdef01234567-u1.wav',
  startMs: 3500,
  durationMs: 2100,
  level: 2500.4,
};
const dtmf = { event: 'dtmf', ...base, seq: 2, digit: '1' };
const recording = { event: 'recording', ...base, file: 'c0123456789abcdef01234567-rec.wav', durationSeconds: 17 };
const asked = { event: 'dtmf', ...base, seq: 3, digit: '0', transfer: '+15550000001' };
const taken = {
  event: 'call',
  ...base,
  direction: 'inbound',
  state: 'in-progress',
  answeredBy: 'operator:sip:desk@pbx.example.com',
};
const voicemail = { event: 'voicemail', ...base, file: 'c0123456789abcdef01234567-vm.wav', durationSeconds: 6 };
const ended = {
  event: 'call',
  ...base,
  direction: 'inbound',
  state: 'failed',
  durationSeconds: 4,
  hangupCause: 'the hub stopped during the call',
};

const update = (u: Record<string, unknown>, key = 'k'): ListenedUpdate => ({
  body: Buffer.from(JSON.stringify(u)),
  headers: { [EVENT_HEADER]: `${String(u.callId)}/${key}`, 'content-type': 'application/json' },
});

runConnectorContract(
  { ...sipConnector, features: { senders: sipConnector.features.senders } },
  {
    config,
    otherSecretConfig: { ...config, password: 'trunk-secret-2' },
    listen: {
      updates: [
        { name: 'a call ringing', update: update(ringing), expect: 'events' },
        { name: 'an utterance', update: update(utterance), expect: 'events' },
        { name: 'a key', update: update(dtmf), expect: 'events' },
        { name: 'the recording', update: update(recording), expect: 'events' },
        { name: 'a call cut by a crash', update: update(ended), expect: 'events' },
        { name: '0 pressed for a person', update: update(asked), expect: 'events' },
        { name: 'an operator took the call', update: update(taken), expect: 'events' },
        { name: 'a voicemail', update: update(voicemail), expect: 'events' },
      ],
      unknownUpdate: update({ event: 'something-else', ...base }),
      fuzz: {
        config,
        documents: [ringing, utterance, dtmf, recording, ended, asked, taken, voicemail],
        headers: () => ({ [EVENT_HEADER]: 'a84b4c76e66710@pc33/k' }),
        headerNames: [EVENT_HEADER],
        numRuns: 150,
      },
    },
    features: { senders: { expect: ['+15005550106'] } },
    absentFeatures: {
      fetchMedia: 'reads the spool on local disk, not HTTP: checked end to end in sip.e2e.test.ts',
      typing: 'a phone call has no typing indicator',
      readReceipts: 'a call has no read receipts',
      templates: 'a call has no provider-approved templates',
      visitors: 'callers come through the trunk',
      optOut: 'consent keywords are an SMS rule, not a call’s',
      health: 'the trunk’s state is the registration, whose refusal turns the connection ERROR',
    },
  },
);

const parse = (u: Record<string, unknown>) => sipConnector.inbound.parse(listenedRequest('sip', update(u)), config);

describe('sip parse', () => {
  it('turns the agent’s updates into call events and messages of the call’s conversation', () => {
    const out = [ringing, utterance, dtmf, recording].map((u) => parse(u));
    const events = out.flatMap((o) => (o.kind === 'events' ? o.events : []));
    for (const e of events) InboundEventSchema.parse(e);
    expect(events).toHaveLength(4);
    expect(events[0]).toMatchObject({
      kind: 'call',
      providerCallId: base.callId,
      state: 'ringing',
      threadKey: base.callId,
    });
    expect(events[1]).toMatchObject({
      kind: 'message',
      providerMessageId: `${base.callId}:u1`,
      from: { address: base.customer },
      to: base.business,
      threadKey: base.callId,
      content: { type: 'audio', media: { providerMediaId: utterance.file, mimeType: 'audio/wav' } },
      metadata: { speech: true, utterance: { startMs: 3500, durationMs: 2100, level: 2500 } },
    });
    expect(events[2]).toMatchObject({ content: { type: 'text', text: '1' }, metadata: { dtmf: '1' } });
    expect(events[3]).toMatchObject({ passive: true, metadata: { recording: { channels: 2, durationSeconds: 17 } } });
  });

  it('a transfer: the key that asked for a person (no agent answers it), the operator who took the call, their part of the recording', () => {
    const [key, operator, kept] = [asked, taken, { ...recording, operator: '+15550000001' }].flatMap((u) => {
      const o = parse(u);
      return o.kind === 'events' ? o.events : [];
    });
    for (const e of [key, operator, kept]) InboundEventSchema.parse(e);
    expect(key).toMatchObject({ automated: true, metadata: { dtmf: '0', transfer: '+15550000001' } });
    expect(operator).toMatchObject({
      kind: 'call',
      state: 'in-progress',
      answeredBy: 'operator:sip:desk@pbx.example.com',
    });
    expect(kept).toMatchObject({ metadata: { recording: { source: 'call', operator: '+15550000001' } } });
  });

  it('a voicemail is an audio message for a person to call back, one per call', () => {
    const out = parse(voicemail);
    const event = out.kind === 'events' ? out.events[0] : undefined;
    InboundEventSchema.parse(event);
    expect(event).toMatchObject({
      kind: 'message',
      providerMessageId: `${base.callId}:voicemail`,
      automated: true,
      content: {
        type: 'audio',
        media: { providerMediaId: voicemail.file, mimeType: 'audio/wav', caption: 'Voicemail' },
      },
      metadata: {
        call: base.callId,
        voicemail: { durationSeconds: 6 },
        recording: { source: 'voicemail', channels: 1 },
      },
    });
    expect(parse({ ...voicemail, file: '../vm.wav' }).kind).toBe('ignored');
  });

  it('refuses operators that are neither a phone number nor a SIP URI, and a ring time out of range', () => {
    const ok = { trunk: { host: 'sip.example.test' }, didNumbers: ['+15005550106'] };
    expect(sipConfigSchema.parse({ ...ok, operators: ['sip:desk@pbx.example.com', '+15550000001'] })).toMatchObject({
      transferRingSeconds: 20,
      voicemail: true,
      voicemailMessage: 'Nobody is available right now. Please leave a message after the tone.',
    });
    expect(sipConfigSchema.safeParse({ ...ok, operators: ['call the desk'] }).success).toBe(false);
    expect(sipConfigSchema.safeParse({ ...ok, operatorNumber: '5550000001' }).success).toBe(false);
    expect(sipConfigSchema.safeParse({ ...ok, transferRingSeconds: 0 }).success).toBe(false);
  });

  it('ignores a spool file name that is a path, and a key that is not one', () => {
    expect(parse({ ...utterance, file: '../../etc/passwd' }).kind).toBe('ignored');
    expect(parse({ ...recording, file: '/tmp/x.wav' }).kind).toBe('ignored');
    expect(parse({ ...dtmf, digit: '12' }).kind).toBe('ignored');
  });

  it('refuses configs without a G.711 codec or with an inverted RTP range', () => {
    const ok = { trunk: { host: 'sip.example.test' }, didNumbers: ['+15005550106'] };
    expect(sipConfigSchema.safeParse(ok).success).toBe(true);
    expect(sipConfigSchema.safeParse({ ...ok, codecs: ['telephone-event'] }).success).toBe(false);
    expect(sipConfigSchema.safeParse({ ...ok, rtpPortRange: { min: 2000, max: 1000 } }).success).toBe(false);
    expect(sipConfigSchema.safeParse({ ...ok, didNumbers: ['5550106'] }).success).toBe(false);
  });
});
