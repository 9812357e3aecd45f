/**
 * @module channels/sip/transfer — a call handed from the agent to a person. The hub stays in the middle as a
 * back-to-back user agent (RFC 7092 §3.1): it places a second call, the operator's leg, through the trunk and relays
 * the audio of the two legs between their media workers, so the caller's stereo recording keeps the caller on one
 * channel and the business side — the agent, then the operator — on the other.
 * - the operators are rung in turn, each for `transferRingSeconds` (a CANCEL ends the ringing, RFC 3261 §9.1); a
 *   busy or refusing one is passed over at once; the caller hears ringback meanwhile;
 * - the first to answer is bridged and named on the call (`answeredBy: operator:<address>`);
 * - either party hanging up ends the other leg (BYE);
 * - nobody answering, or nobody to ring: a voicemail (voicemail.ts), or a goodbye when voicemails are off.
 * A phone number is called as `sip:<digits>@<trunk>`, a SIP URI as it is, through the trunk as outbound proxy
 * (a loose-routing Route, RFC 3261 §8.1.2); a digest challenge of the trunk is answered once, as for calls we place.
 */
import { RtpMedia, TELEPHONE_RATE, tone } from '../../channel-kit/index.js';
import { OPERATOR_ADDRESS } from '../../model/index.js';
import type { SipConfig } from './config.js';
import { digest, type SipAddress, type SipMessage, type SipRemote } from './sip-stack.js';
import { digits, tag } from './strings.js';
import type { TransferCall, TransferHost } from './transfer-host.js';
import { takeVoicemail } from './voicemail.js';

export type { TransferHost } from './transfer-host.js';

interface Dialog {
  local: SipAddress;
  remote: SipAddress;
  target: string;
  routes: SipAddress[];
}

/** the operator's leg: a call the hub places, never a call of its own in the hub */
interface Leg {
  address: string;
  callId: string;
  local: SipAddress;
  port: number;
  invite: SipMessage;
  cseq: number;
  state: 'ringing' | 'up' | 'ended';
  dialog?: Dialog;
  media?: RtpMedia;
  localSdp?: string;
  /** our SDP's origin (RFC 4566 §5.2): the session id, and the version an answer to a re-INVITE raises */
  sdpSession: { id: number; version: number };
  /** the operator hung up (or the leg failed) */
  onEnd?: () => void;
  /** gives up the ringing (CANCEL) */
  cancel?: () => void;
}

interface Transfer {
  call: TransferCall;
  stopped: boolean;
  ringing?: Leg;
  leg?: Leg;
  operator?: string;
  voicemail?: Promise<void>;
}

type DialOutcome = { kind: 'answered'; leg: Leg } | { kind: 'not-answered'; why: string };

/** what a caller is told when asking for a person (Twilio Voice's words, twiml.ts transfer) */
export const HOLD_TEXT = 'Please hold while I connect you to a colleague.';
const NOBODY_TEXT = 'Sorry, nobody is available right now. Please call again later.';

const ALLOW = 'INVITE, ACK, BYE';

/** the operators a transfer rings in turn, as the connection lists them: the operator number first */
export function operatorsOf(config: SipConfig): string[] {
  return [...new Set([...(config.operatorNumber ? [config.operatorNumber] : []), ...(config.operators ?? [])])];
}

/**
 * ringback as the caller would hear it from a phone network (440 + 480 Hz, 2 s on, 4 s off: ITU-T E.180 Suppl. 2,
 * the North American cadence), `seconds` of it
 */
export function ringback(seconds: number): Int16Array {
  const out = new Int16Array(Math.round(seconds * TELEPHONE_RATE));
  const ring = tone([440, 480], 2000, 3000);
  for (let at = 0; at < out.length; at += 6 * TELEPHONE_RATE) out.set(ring.subarray(0, out.length - at), at);
  return out;
}

export class Transfers {
  private readonly legs = new Map<string, Leg>();
  private readonly active = new Map<string, Transfer>();

  constructor(private readonly host: TransferHost) {}

  /** whether the call is being transferred (or taking a voicemail): the agent's part of it is over */
  busy(callId: string): boolean {
    return this.active.has(callId);
  }

  /**
   * a key of the caller: during a transfer keys are nobody's ('ignore'); 0 with operators configured starts one at
   * once, and names the first operator rung
   */
  digit(call: TransferCall, key: string): 'ignore' | { transfer: string } | undefined {
    if (this.active.has(call.id)) return 'ignore';
    if (key !== '0') return undefined;
    const operators = operatorsOf(this.host.config);
    if (operators.length === 0) return undefined;
    this.start(call, operators, true, Promise.resolve());
    return { transfer: operators[0] as string };
  }

  /**
   * the agent handed the call to people: once its last words (`spoken`) are heard, the conversation's operators
   * (`transferTo`, from the hub) and then the connection's are rung; nobody to ring is a voicemail
   */
  handoff(call: TransferCall, transferTo: string[], spoken: Promise<unknown>): void {
    if (this.active.has(call.id)) return;
    const operators = [...new Set([...transferTo, ...operatorsOf(this.host.config)])];
    this.start(call, operators, false, spoken);
  }

  private start(call: TransferCall, operators: string[], announce: boolean, after: Promise<unknown>): void {
    const t: Transfer = { call, stopped: false };
    this.active.set(call.id, t);
    // what the caller says now is for the operator or the voicemail, not the agent
    call.media?.listen(false);
    void after
      .catch(() => undefined)
      .then(() => this.run(t, operators, announce))
      .catch((error: unknown) => {
        this.host.log.warn(`the transfer failed: ${error instanceof Error ? error.message : String(error)}`);
        if (!t.stopped) this.host.hangUp(call.id);
      });
  }

  private async run(t: Transfer, operators: string[], announce: boolean): Promise<void> {
    const { config } = this.host;
    const media = t.call.media;
    if (!media || t.stopped) return;
    if (announce) await media.whenPlayed(media.play(await this.host.speak(HOLD_TEXT)));
    for (const address of operators.slice(0, 10)) {
      if (t.stopped) return;
      media.play(ringback(config.transferRingSeconds + 1));
      const outcome = await this.dial(t, address);
      media.stopPlayback();
      if (t.stopped) {
        if (outcome.kind === 'answered') this.hangUpLeg(outcome.leg);
        return;
      }
      const why = outcome.kind === 'answered' ? this.bridge(t, outcome.leg) : outcome.why;
      if (why === undefined) return;
      this.host.log.info(`the transfer to ${address} was not taken: ${why}`);
    }
    if (t.stopped) return;
    if (config.voicemail) {
      t.voicemail = takeVoicemail(this.host, t.call, media, () => t.stopped);
      await t.voicemail;
      return;
    }
    await media.whenPlayed(media.play(await this.host.speak(NOBODY_TEXT)));
    if (!t.stopped) this.host.hangUp(t.call.id);
  }

  /** the caller and the operator who answered, bridged; else why not (the operator hung up meanwhile) */
  private bridge(t: Transfer, leg: Leg): string | undefined {
    const media = t.call.media;
    // a BYE between the operator's media starting and now ended the leg: the caller is not bridged to a dead worker
    if (leg.state !== 'up' || !media || !leg.media) {
      this.hangUpLeg(leg);
      return 'the operator hung up before the call was bridged';
    }
    t.leg = leg;
    t.operator = leg.address;
    media.bridge(leg.media);
    leg.onEnd = () => {
      // the operator hung up: the caller's leg ends too
      if (!t.stopped) this.host.hangUp(t.call.id);
    };
    void this.host.deliver(
      t.call,
      {
        event: 'call',
        callId: t.call.id,
        customer: t.call.customer,
        business: t.call.business,
        at: new Date().toISOString(),
        direction: t.call.direction,
        state: 'in-progress',
        answeredBy: `operator:${leg.address}`,
      },
      'transfer-answered',
    );
    return undefined;
  }

  /**
   * the caller's call ends (either side hung up, the connection stops): the operator's leg goes with it, a voicemail
   * being taken is kept; what the call's recording says about the transfer
   */
  async ending(call: TransferCall): Promise<{ operator?: string }> {
    const t = this.active.get(call.id);
    if (!t) return {};
    this.active.delete(call.id);
    t.stopped = true;
    t.ringing?.cancel?.();
    if (t.leg) this.hangUpLeg(t.leg);
    // whatever is awaited on the caller's media answers now: the prompt stops, the voicemail ends as it is
    call.media?.stopPlayback();
    call.media?.stopCapture();
    if (t.voicemail) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        t.voicemail.catch(() => undefined),
        new Promise((r) => (timer = setTimeout(r, 10_000))),
      ]).finally(() => clearTimeout(timer));
    }
    return t.operator ? { operator: t.operator } : {};
  }

  // --- the operator's leg -----------------------------------------------------------------------------------

  /**
   * a request in an operator leg's dialog; false when the Call-ID is no leg of ours. Only the trunk speaks for the
   * operator, and only in the leg's dialog (RFC 3261 §12.2.2: our tag in To, theirs in From): anyone else reusing the
   * Call-ID would move the leg's audio to themselves with a re-INVITE, or end the call with a BYE
   */
  onRequest(rq: SipMessage, remote: SipRemote): boolean {
    const leg = this.legs.get(rq.headers['call-id']);
    if (!leg) return false;
    if (rq.method === 'ACK') return true;
    if (!this.host.fromTrunk(remote)) {
      this.host.reply(rq, 403, 'Forbidden');
      return true;
    }
    const theirs = leg.dialog?.remote.params.tag;
    if (!leg.dialog || rq.headers.to.params.tag !== leg.local.params.tag || rq.headers.from.params.tag !== theirs) {
      this.host.reply(rq, 481, 'Call/Transaction Does Not Exist');
      return true;
    }
    switch (rq.method) {
      case 'BYE':
        this.host.reply(rq, 200, 'OK');
        this.legEnded(leg);
        return true;
      case 'INVITE':
        this.reinvite(leg, rq);
        return true;
      default:
        this.host.reply(rq, 405, 'Method Not Allowed', { headers: { allow: ALLOW } as never });
        return true;
    }
  }

  /**
   * a re-INVITE of the operator's side (hold, media moved): their media is followed and answered as the user agent
   * answers one (ua.ts modify), our SDP's version raised (RFC 3264 §8), our Contact the one of our INVITE
   */
  private reinvite(leg: Leg, rq: SipMessage): void {
    const offer = this.host.readOffer(rq.content);
    if (!offer || leg.state !== 'up') return this.host.reply(rq, 488, 'Not Acceptable Here');
    leg.media?.retarget(offer.address, offer.port);
    const ours = offer.direction === 'sendonly' ? 'recvonly' : offer.direction === 'inactive' ? 'inactive' : 'sendrecv';
    leg.sdpSession.version++;
    leg.localSdp = this.host.answerSdp({ ...leg.sdpSession, port: leg.port }, offer, ours);
    this.host.reply(rq, 200, 'OK', {
      headers: {
        contact: leg.invite.headers.contact,
        allow: ALLOW,
        'content-type': 'application/sdp',
      } as never,
      content: leg.localSdp,
    });
  }

  private legEnded(leg: Leg): void {
    if (leg.state === 'ended') return;
    leg.state = 'ended';
    this.legs.delete(leg.callId);
    void leg.media?.kill();
    this.host.releasePort(leg.port);
    leg.onEnd?.();
  }

  private hangUpLeg(leg: Leg): void {
    if (leg.state === 'up') this.sendInDialog(leg, 'BYE');
    leg.onEnd = undefined;
    this.legEnded(leg);
  }

  private sendInDialog(leg: Leg, method: 'BYE' | 'ACK', seq?: number): void {
    const d = leg.dialog;
    if (!d) return;
    this.host.send({
      method,
      uri: d.target,
      headers: {
        to: d.remote,
        from: d.local,
        'call-id': leg.callId,
        cseq: { method, seq: seq ?? ++leg.cseq },
        via: [],
        route: d.routes.map((r) => ({ ...r, params: { ...r.params } })),
      },
    });
  }

  /** rings one operator; answered (media running), or why not */
  private dial(t: Transfer, address: string): Promise<DialOutcome> {
    const { config } = this.host;
    const { trunk } = config;
    // an address stored before the pattern was narrowed (a user's phone) is not rung: its parameters could pick a
    // transport or another hop (maddr) than the trunk
    if (!OPERATOR_ADDRESS.test(address))
      return Promise.resolve({ kind: 'not-answered', why: 'the address is not one the hub rings' });
    const port = this.host.freePort();
    const callId = `${tag()}${tag()}@switchboard`;
    const from = t.call.business;
    const local: SipAddress = { uri: `sip:${digits(from)}@${this.host.ip}`, params: { tag: tag() } };
    const uri = address.startsWith('sip') ? address : `sip:${digits(address)}@${trunk.host}:${trunk.port}`;
    const to = address.startsWith('sip') ? address : `sip:${digits(address)}@${trunk.host}`;
    const sdpSession = { id: Date.now() % 1_000_000_000, version: 1 };
    const sdp = this.host.offerSdp(port, sdpSession.id);
    const invite = (seq: number): SipMessage => ({
      method: 'INVITE',
      uri,
      headers: {
        to: { uri: to, params: {} },
        from: local,
        'call-id': callId,
        cseq: { method: 'INVITE', seq },
        via: [],
        contact: [{ uri: `sip:${digits(from)}@${this.host.ip}:${config.listenPort}`, params: {} }],
        // a SIP URI of another domain still goes through the trunk: it is our way out
        ...(address.startsWith('sip') ? { route: [{ uri: `sip:${trunk.host}:${trunk.port};lr`, params: {} }] } : {}),
        'content-type': 'application/sdp',
        'max-forwards': 70,
      } as never,
      content: sdp,
    });
    const leg: Leg = {
      address,
      callId,
      local,
      port,
      invite: invite(1),
      cseq: 1,
      state: 'ringing',
      localSdp: sdp,
      sdpSession,
    };
    this.legs.set(callId, leg);
    t.ringing = leg;
    return new Promise<DialOutcome>((resolve) => {
      let settled = false;
      const settle = (outcome: DialOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(ringTimer);
        if (t.ringing === leg) t.ringing = undefined;
        resolve(outcome);
      };
      const notTaken = (why: string) => {
        this.legEnded(leg);
        settle({ kind: 'not-answered', why });
      };
      leg.cancel = () => {
        if (leg.state !== 'ringing') return;
        const current = leg.invite;
        // the same branch as the INVITE (RFC 3261 §9.1); the 487 that follows is the transaction's
        this.host.send({
          method: 'CANCEL',
          uri: current.uri,
          headers: {
            to: current.headers.to,
            from: current.headers.from,
            'call-id': callId,
            cseq: { method: 'CANCEL', seq: current.headers.cseq.seq },
            via: [{ ...current.headers.via[0], params: { ...current.headers.via[0]?.params } }],
            ...(current.headers.route ? { route: current.headers.route } : {}),
          } as never,
        });
        notTaken('the ringing was given up');
      };
      const ringTimer = setTimeout(() => {
        leg.cancel?.();
        settle({ kind: 'not-answered', why: `no answer within ${config.transferRingSeconds} s` });
      }, config.transferRingSeconds * 1000);
      let challenged = false;
      const onResponse = (rs: SipMessage) => {
        const status = rs.status ?? 0;
        if (status < 200) return;
        if ((status === 401 || status === 407) && !challenged && config.password) {
          challenged = true;
          leg.invite = invite(++leg.cseq);
          digest.signRequest({}, leg.invite, rs, {
            user: trunk.username ?? digits(from),
            password: config.password,
            ...(trunk.realm ? { realm: trunk.realm } : {}),
          });
          this.host.send(leg.invite, onResponse);
          return;
        }
        if (status >= 300) return notTaken(`${status} ${rs.reason ?? ''}`.trim());
        // 2xx, every copy acknowledged by us (RFC 3261 §13.2.2.4)
        const contact = Array.isArray(rs.headers.contact) ? rs.headers.contact[0]?.uri : undefined;
        const recorded = [...(rs.headers['record-route'] ?? [])].reverse();
        leg.dialog ??= {
          local,
          remote: rs.headers.to,
          target: contact ?? uri,
          // a trunk that does not record-route stays the first hop all the same (a loose route, RFC 3261 §12.2.1.1):
          // the Contact is the remote party's choice, and our ACK and BYE go through the trunk, never to it directly
          routes: recorded.length ? recorded : [{ uri: `sip:${trunk.host}:${trunk.port};lr`, params: {} }],
        };
        this.sendInDialog(leg, 'ACK', rs.headers.cseq.seq);
        // answered after we gave up (the CANCEL crossed the 200): hung up at once; a repeated 200 is only acknowledged
        if (leg.state === 'ended') return this.sendInDialog(leg, 'BYE');
        if (leg.state === 'up') return;
        leg.state = 'up';
        // answered: the ring timer is over, or it would cancel an answered leg whose media is still starting
        clearTimeout(ringTimer);
        void this.legMedia(leg, rs).then(
          () => settle({ kind: 'answered', leg }),
          (error: unknown) => {
            this.hangUpLeg(leg);
            settle({ kind: 'not-answered', why: `the operator's audio could not start: ${(error as Error).message}` });
          },
        );
      };
      this.host.send(leg.invite, onResponse);
    });
  }

  private async legMedia(leg: Leg, rs: SipMessage): Promise<void> {
    const answer = this.host.readOffer(rs.content);
    if (!answer) throw new Error('the answer had no codec of ours');
    const media = new RtpMedia(
      {
        localAddress: this.host.config.listenAddress,
        localPort: leg.port,
        remoteAddress: answer.address,
        remotePort: answer.port,
        codec: answer.codec,
        payloadType: answer.payloadType,
        dtmfPayloadType: answer.dtmf,
        // the operator is relayed, never listened to by the hub
        listening: false,
        bargeIn: false,
      },
      { utterance: () => undefined, dtmf: () => undefined, bargeIn: () => undefined, played: () => undefined },
    );
    leg.media = media;
    try {
      await media.start();
    } catch (error) {
      await media.kill();
      throw error;
    }
  }
}
