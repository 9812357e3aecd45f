/**
 * A transfer's operator leg (transfer.ts) against the user agent's side of it (TransferHost): the SIP messages the
 * hub sends are kept and answered here, as the trunk would, while the media is real — the caller's and the
 * operator's RTP workers, bound on 127.0.0.1, and UDP sockets of the test standing in for the phones.
 * - requests in the leg's dialog count only from the trunk and with the dialog's tags; other methods are 405;
 * - a trunk that does not record-route stays the first hop of our ACK and BYE;
 * - an answer just before the ring timer ends is bridged, and nobody else is rung;
 * - an operator hanging up before the bridge passes the call to the next one;
 * - an operator's re-INVITE is answered with our INVITE's Contact and a new SDP version.
 */
import { createSocket, type Socket } from 'node:dgram';
import * as sdpTransform from 'sdp-transform';
import { afterEach, describe, expect, it } from 'vitest';
import { RtpMedia, synthesizeSpeech, TELEPHONE_RATE, tone } from '../../channel-kit/index.js';
import { freeUdpRange } from '../../testing/sip-peers.js';
import { sipConfigSchema } from './config.js';
import type { SipUpdate } from './parse.js';
import type { SipAddress, SipMessage, SipRemote } from './sip-stack.js';
import { ringback, Transfers } from './transfer.js';
import type { SdpMedia, TransferCall, TransferHost } from './transfer-host.js';

const TRUNK: SipRemote = { protocol: 'UDP', address: '127.0.0.1', port: 5070 };
const STRANGER: SipRemote = { protocol: 'UDP', address: '127.0.0.2', port: 5060 };
const OPERATOR_TAG = 'op-tag-1';

const sdp = (port: number, version = 1) =>
  [
    'v=0',
    `o=operator 42 ${version} IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/AVP 0`,
    'a=rtpmap:0 PCMU/8000',
    'a=sendrecv',
    '',
  ].join('\r\n');

/** the hub's SIP side as the user agent lends it: what is sent and replied is kept for the test to answer */
async function host(operators: string[]) {
  const range = await freeUdpRange(20);
  const config = sipConfigSchema.parse({
    trunk: { host: '127.0.0.1', port: 5070, register: false },
    didNumbers: ['+15005550106'],
    listenAddress: '127.0.0.1',
    listenPort: 5098,
    rtpPortRange: range,
    operators,
    transferRingSeconds: 2,
    voicemail: false,
  });
  const sent: Sent[] = [];
  const replies: Array<{ rq: SipMessage; status: number; extension?: Partial<SipMessage> | undefined }> = [];
  const updates: SipUpdate[] = [];
  const hungUp: string[] = [];
  let next = range.min;
  const h: TransferHost = {
    config,
    ip: '127.0.0.1',
    log: { info: () => undefined, warn: () => undefined, debug: () => undefined, error: () => undefined } as never,
    send: (message, onResponse) => sent.push({ message, onResponse, at: Date.now() }),
    reply: (rq, status, _reason, extension) => replies.push({ rq, status, extension }),
    speak: async (text) =>
      (await synthesizeSpeech(text, { engine: 'espeak-ng' }, { http: (url, init) => fetch(url, init) })).samples,
    fromTrunk: (remote) => remote.address === TRUNK.address,
    offerSdp: (port, id) => sdp(port).replace('o=operator 42', `o=switchboard ${id}`),
    answerSdp: (session, offer, direction) =>
      sdp(session.port, session.version)
        .replace('o=operator 42', `o=switchboard ${session.id}`)
        .replace('a=sendrecv', `a=${direction}`)
        .replace('PCMU', offer.codec),
    readOffer: (content): SdpMedia | undefined => {
      if (!content) return undefined;
      const parsed = sdpTransform.parse(content);
      const audio = parsed.media[0];
      if (!audio || !parsed.connection) return undefined;
      return {
        address: parsed.connection.ip,
        port: audio.port,
        codec: 'PCMU',
        payloadType: 0,
        direction: audio.direction ?? 'sendrecv',
      };
    },
    freePort: () => {
      next += 2;
      return next;
    },
    releasePort: () => undefined,
    deliver: async (_call, update) => void updates.push(update),
    hangUp: (callId) => void hungUp.push(callId),
    spool: async () => 'unused.wav',
  };
  return { h, config, sent, replies, updates, hungUp, range };
}

/** a socket standing in for a phone: how many RTP packets reached it */
async function phone(): Promise<{ port: number; packets: () => number; close(): void }> {
  const socket: Socket = createSocket('udp4');
  let count = 0;
  socket.on('message', () => count++);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return { port: socket.address().port, packets: () => count, close: () => socket.close() };
}

const until = async (what: string, test: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

interface Sent {
  message: SipMessage;
  onResponse?: ((rs: SipMessage) => void) | undefined;
  at: number;
}
const invites = (sent: Sent[]) => sent.filter((s) => s.message.method === 'INVITE');

/** the operator's 200 OK to the hub's INVITE, their media at `port`, no Record-Route */
const ok = (invite: SipMessage, port: number): SipMessage => ({
  status: 200,
  reason: 'OK',
  headers: {
    to: { ...invite.headers.to, params: { tag: OPERATOR_TAG } },
    from: invite.headers.from,
    'call-id': invite.headers['call-id'],
    cseq: invite.headers.cseq,
    via: [],
    contact: [{ uri: 'sip:operator@127.0.0.1:5999', params: {} }],
  },
  content: sdp(port),
});

/** a request of the operator's side in the leg's dialog (or with `tags` changed) */
const request = (
  invite: SipMessage,
  method: string,
  content?: string,
  tags: { from?: string; to?: string } = {},
): SipMessage => ({
  method,
  uri: 'sip:15005550106@127.0.0.1:5098',
  headers: {
    to: { ...invite.headers.from, params: { tag: tags.to ?? (invite.headers.from.params.tag as string) } },
    from: { ...(invite.headers.to as SipAddress), params: { tag: tags.from ?? OPERATOR_TAG } },
    'call-id': invite.headers['call-id'],
    cseq: { method, seq: 10 },
    via: [],
  },
  ...(content ? { content } : {}),
});

describe('a transfer’s operator leg', () => {
  const cleanup: Array<() => Promise<unknown> | void> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  /** the caller's call, its media live and sending to a phone of the test */
  async function callerCall(range: { max: number }, direction: 'inbound' | 'outbound' = 'inbound') {
    const ear = await phone();
    const media = new RtpMedia(
      {
        localAddress: '127.0.0.1',
        localPort: range.max - 2,
        remoteAddress: '127.0.0.1',
        remotePort: ear.port,
        codec: 'PCMU',
        payloadType: 0,
      },
      { utterance: () => undefined, dtmf: () => undefined, bargeIn: () => undefined, played: () => undefined },
    );
    await media.start();
    const call: TransferCall = {
      id: 'sip-call-1',
      direction,
      state: 'in-progress',
      media,
      customer: '+14155550101',
      business: '+15005550106',
    };
    cleanup.push(
      () => ear.close(),
      () => media.kill(),
    );
    return call;
  }

  it('takes requests of the leg only from the trunk and in its dialog; ACK and BYE go through the trunk', async () => {
    const { h, sent, replies, updates, hungUp, range } = await host(['+15550000001']);
    const transfers = new Transfers(h);
    const call = await callerCall(range, 'outbound');
    cleanup.push(() => transfers.ending(call));
    const operatorPhone = await phone();
    const eavesdropper = await phone();
    cleanup.push(
      () => operatorPhone.close(),
      () => eavesdropper.close(),
    );

    transfers.handoff(call, [], Promise.resolve());
    await until('the INVITE', () => invites(sent).length === 1);
    const invite = invites(sent)[0]!;
    invite.onResponse?.(ok(invite.message, operatorPhone.port));
    // acknowledged to the operator's Contact, with the trunk as a loose route: it does not record-route
    const ack = sent.find((s) => s.message.method === 'ACK')!.message;
    expect(ack.uri).toBe('sip:operator@127.0.0.1:5999');
    expect(ack.headers.route).toEqual([{ uri: 'sip:127.0.0.1:5070;lr', params: {} }]);
    await until('the bridge', () => updates.length === 1);
    // the placed call keeps its direction when an operator takes it
    expect(updates[0]).toMatchObject({ event: 'call', direction: 'outbound', answeredBy: 'operator:+15550000001' });
    await until('the operator hearing the caller', () => operatorPhone.packets() > 5);

    // a stranger reusing the Call-ID and tags neither moves the operator's audio nor ends the call
    const aside = request(invite.message, 'INVITE', sdp(eavesdropper.port, 2));
    expect(transfers.onRequest(aside, STRANGER)).toBe(true);
    expect(transfers.onRequest(request(invite.message, 'BYE'), STRANGER)).toBe(true);
    expect(replies.map((r) => r.status)).toEqual([403, 403]);
    // the trunk, but not the leg's dialog (another From tag, another To tag)
    transfers.onRequest(request(invite.message, 'INVITE', sdp(eavesdropper.port, 2), { from: 'other' }), TRUNK);
    transfers.onRequest(request(invite.message, 'BYE', undefined, { to: 'other' }), TRUNK);
    expect(replies.slice(2).map((r) => r.status)).toEqual([481, 481]);
    // a method the leg does not take
    transfers.onRequest(request(invite.message, 'INFO'), TRUNK);
    expect(replies[4]).toMatchObject({ status: 405, extension: { headers: { allow: 'INVITE, ACK, BYE' } } });
    await new Promise((r) => setTimeout(r, 300));
    expect(eavesdropper.packets()).toBe(0);
    expect(hungUp).toEqual([]);

    // the operator's own re-INVITE moves their media: answered with our INVITE's Contact (our port) and SDP version 2
    const moved = await phone();
    cleanup.push(() => moved.close());
    transfers.onRequest(request(invite.message, 'INVITE', sdp(moved.port, 2)), TRUNK);
    const answer = replies[5]!;
    expect(answer.status).toBe(200);
    expect((answer.extension?.headers as { contact: unknown }).contact).toEqual([
      { uri: 'sip:15005550106@127.0.0.1:5098', params: {} },
    ]);
    expect(sdpTransform.parse(answer.extension?.content as string).origin?.sessionVersion).toBe(2);
    await until('the operator’s moved media', () => moved.packets() > 5);

    // the operator hangs up: the caller's leg ends too
    transfers.onRequest(request(invite.message, 'BYE'), TRUNK);
    expect(replies[6]?.status).toBe(200);
    expect(hungUp).toEqual(['sip-call-1']);
    // our BYE of a leg, after the caller hung up, goes the same way: checked on a second transfer below
  });

  it('the caller hanging up ends the operator’s leg with a BYE through the trunk', async () => {
    const { h, sent, updates, range } = await host(['+15550000001']);
    const transfers = new Transfers(h);
    const call = await callerCall(range);
    const operatorPhone = await phone();
    cleanup.push(() => operatorPhone.close());
    transfers.handoff(call, [], Promise.resolve());
    await until('the INVITE', () => invites(sent).length === 1);
    const invite = invites(sent)[0]!;
    invite.onResponse?.(ok(invite.message, operatorPhone.port));
    await until('the bridge', () => updates.length === 1);
    expect(updates[0]).toMatchObject({ direction: 'inbound' });
    expect(await transfers.ending(call)).toEqual({ operator: '+15550000001' });
    const bye = sent.find((s) => s.message.method === 'BYE')!.message;
    expect(bye.uri).toBe('sip:operator@127.0.0.1:5999');
    expect(bye.headers.route).toEqual([{ uri: 'sip:127.0.0.1:5070;lr', params: {} }]);
    expect(bye.headers.to.params.tag).toBe(OPERATOR_TAG);
  });

  it('an answer just before the ring timer ends is bridged, and the next operator is not rung', async () => {
    const { h, sent, updates, range } = await host(['+15550000001', '+15550000002']);
    const transfers = new Transfers(h);
    const call = await callerCall(range);
    cleanup.push(() => transfers.ending(call));
    const operatorPhone = await phone();
    cleanup.push(() => operatorPhone.close());
    transfers.handoff(call, [], Promise.resolve());
    await until('the INVITE', () => invites(sent).length === 1);
    const invite = invites(sent)[0]!;
    // the ring timer (2 s from the INVITE) ends while the operator's media worker is still starting
    await new Promise((r) => setTimeout(r, invite.at + 1995 - Date.now()));
    invite.onResponse?.(ok(invite.message, operatorPhone.port));
    await until('the bridge', () => updates.length === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(invites(sent)).toHaveLength(1);
    expect(sent.filter((s) => s.message.method === 'CANCEL' || s.message.method === 'BYE')).toEqual([]);
    expect(updates[0]).toMatchObject({ answeredBy: 'operator:+15550000001' });
  });

  it('an operator who hangs up before the bridge passes the call to the next one', async () => {
    const { h, sent, updates, range } = await host(['+15550000001', '+15550000002']);
    const transfers = new Transfers(h);
    const call = await callerCall(range);
    cleanup.push(() => transfers.ending(call));
    const operatorPhone = await phone();
    cleanup.push(() => operatorPhone.close());
    transfers.handoff(call, [], Promise.resolve());
    await until('the INVITE', () => invites(sent).length === 1);
    const first = invites(sent)[0]!;
    first.onResponse?.(ok(first.message, operatorPhone.port));
    // their BYE comes while the leg's media starts
    transfers.onRequest(request(first.message, 'BYE'), TRUNK);
    await until('the next operator rung', () => invites(sent).length === 2);
    const second = invites(sent)[1]!;
    expect(second.message.uri).toBe('sip:15550000002@127.0.0.1:5070');
    second.onResponse?.(ok(second.message, operatorPhone.port));
    await until('the bridge', () => updates.length === 1);
    expect(updates[0]).toMatchObject({ answeredBy: 'operator:+15550000002' });
  });

  it('an operator whose BYE comes once their media runs, just before the bridge, is not bridged', async () => {
    const { h, sent, updates, range } = await host(['+15550000001', '+15550000002']);
    const transfers = new Transfers(h);
    const call = await callerCall(range);
    cleanup.push(() => transfers.ending(call));
    const operatorPhone = await phone();
    cleanup.push(() => operatorPhone.close());
    const media = call.media as RtpMedia;
    // the ringback stops once the operator's media runs, right before the bridge: the BYE lands in that gap
    let byeBeforeBridge: (() => void) | undefined;
    const stop = media.stopPlayback.bind(media);
    media.stopPlayback = () => {
      stop();
      byeBeforeBridge?.();
      byeBeforeBridge = undefined;
    };
    transfers.handoff(call, [], Promise.resolve());
    await until('the INVITE', () => invites(sent).length === 1);
    const first = invites(sent)[0]!;
    byeBeforeBridge = () => transfers.onRequest(request(first.message, 'BYE'), TRUNK);
    first.onResponse?.(ok(first.message, operatorPhone.port));
    await until('the next operator rung', () => invites(sent).length === 2);
    expect(updates).toEqual([]);
    const second = invites(sent)[1]!;
    second.onResponse?.(ok(second.message, operatorPhone.port));
    await until('the bridge', () => updates.length === 1);
    expect(updates[0]).toMatchObject({ answeredBy: 'operator:+15550000002' });
  });

  it('an address with URI parameters is not rung', async () => {
    const { h, sent, range } = await host([]);
    const transfers = new Transfers(h);
    const call = await callerCall(range);
    cleanup.push(() => transfers.ending(call));
    transfers.handoff(
      call,
      ['sip:desk@pbx.example.com;maddr=127.0.0.9', 'sip:desk@pbx.example.com'],
      Promise.resolve(),
    );
    await until('the INVITE', () => invites(sent).length === 1);
    expect(invites(sent)[0]?.message.uri).toBe('sip:desk@pbx.example.com');
  });
});

describe('ringback', () => {
  it('rings 2 s (440 + 480 Hz) and is silent 4 s, in a 6 s cycle', () => {
    const samples = ringback(7);
    expect(samples.length).toBe(7 * TELEPHONE_RATE);
    const loud = (from: number, to: number) =>
      samples.subarray(from * TELEPHONE_RATE, to * TELEPHONE_RATE).some((s) => Math.abs(s) > 1000);
    expect([loud(0.1, 1.9), loud(2.1, 5.9), loud(6.1, 6.9)]).toEqual([true, false, true]);
    expect(Array.from(samples.subarray(0, 3000))).toEqual(Array.from(tone([440, 480], 500, 3000).subarray(0, 3000)));
  });
});
