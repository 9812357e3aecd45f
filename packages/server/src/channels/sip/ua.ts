/**
 * @module channels/sip/ua — the hub as a SIP user agent (RFC 3261) on a trunk, one per running connection:
 * - answers INVITE for the connection's numbers: 100 Trying, 180 Ringing while the greeting is synthesised, then
 *   200 OK with the SDP answer (RFC 3264: the first offered codec we accept, telephone-event when offered), the
 *   call's media in a worker thread (channel-kit/rtp-media); unknown numbers 404, over `maxCalls` 486, no codec in
 *   common 488, a caller other than the trunk (IP-authenticated trunks) 403;
 * - CANCEL before the answer (200, then 487 on the INVITE: the call is canceled), BYE (200: the call completes),
 *   re-INVITE (hold, or media moved: answered with our SDP), OPTIONS keepalives (200);
 * - REGISTER with digest authentication (RFC 3261 §22) when the trunk asks for it, refreshed at half the granted
 *   Expires; a challenge our credentials cannot answer, or a 403, ends the connection with the reason (ERROR);
 * - every state change, utterance, key and the final recording handed to the hub (`ctx.deliver`) in order per call;
 * - a handoff (the agent's, or the caller pressing 0) rings operators and bridges the call, else takes a voicemail:
 *   transfer.ts and voicemail.ts, reached through a few hooks here.
 * A marker file per live call in the spool says, after a crash, which calls were cut: the next start ends them
 * `failed` with the reason.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import * as sdpTransform from 'sdp-transform';
import {
  ChannelError,
  RtpMedia,
  encodeWav,
  synthesizeSpeech,
  TELEPHONE_RATE,
  type G711,
  type ListenContext,
  type TextToSpeech,
  type Utterance,
} from '../../channel-kit/index.js';
import type { SipConfig } from './config.js';
import { EVENT_HEADER, type SipUpdate } from './parse.js';
import { SessionTimers, readMinSe, readSessionExpires, uacOffer, uasVerdict } from './session-timer.js';
import { digest, sip, type SipAddress, type SipMessage, type SipRemote, type SipStack } from './sip-stack.js';
import { SilenceWatch } from './silence.js';
import { Spool } from './spool.js';
import { digits, tag } from './strings.js';
import { Transfers, type TransferHost } from './transfer.js';

type Ctx = ListenContext<SipConfig>;

interface Dialog {
  /** our side of the dialog's From/To, with our tag */
  local: SipAddress;
  /** theirs, with their tag */
  remote: SipAddress;
  /** where requests in the dialog go: the peer's Contact */
  target: string;
  routes: SipAddress[];
}

export interface Call {
  /** ours: the call's id in the hub (thread, stored call, spool files), never what a peer chose */
  id: string;
  /** the dialog's Call-ID header: chosen by the caller on an inbound call, only for matching its requests */
  sipCallId: string;
  direction: 'inbound' | 'outbound';
  invite: SipMessage;
  dialog?: Dialog;
  remote: SipRemote;
  customer: string;
  business: string;
  localTag: string;
  state: 'ringing' | 'in-progress' | 'ended';
  media?: RtpMedia;
  rtpPort?: number;
  answeredAt?: number;
  seq: number;
  /** the hub's own requests in the dialog (BYE) */
  cseq: number;
  chain: Promise<unknown>;
  bargedIn: boolean;
  sdpVersion: number;
  localSdp?: string;
  /** the session interval the answer to our INVITE agreed (RFC 4028), started with the call */
  sessionInterval?: { expires: number; refresher: 'uac' | 'uas' };
}

/** the agents of the running connections, for send (the live call) */
export const agents = new Map<string, SipUserAgent>();

/** a call id of ours: unguessable, and the same shape whoever placed the call */
const newCallId = () => `sip-${randomBytes(12).toString('hex')}`;
/** calls ended at once when the connection stops: each waits for its media thread's recording */
const END_AT_ONCE = 8;
const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE';

/** the user part of a SIP URI as a number: +E.164 when it has enough digits */
function numberOf(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  try {
    const user = sip.parseUri(uri).user;
    if (!user) return undefined;
    const d = digits(decodeURIComponent(user));
    return d.length >= 7 ? `+${d}` : user;
  } catch {
    return undefined;
  }
}

function localIp(config: SipConfig): string {
  if (config.publicAddress) return config.publicAddress;
  if (config.listenAddress !== '0.0.0.0') return config.listenAddress;
  for (const list of Object.values(networkInterfaces()))
    for (const i of list ?? []) if (i.family === 'IPv4' && !i.internal) return i.address;
  return '127.0.0.1';
}

export class SipUserAgent {
  private stack: SipStack | undefined;
  /** by our call id */
  private readonly calls = new Map<string, Call>();
  /** the same calls by their Call-ID header, for the requests of their dialogs */
  private readonly dialogs = new Map<string, Call>();
  /** every timer of the agent (register refresh, ringing, session timers): cleared when it stops */
  private readonly timers = new Set<NodeJS.Timeout>();
  /** set when the agent begins to stop: nothing schedules a timer after it (a REGISTER answered late) */
  private closing = false;
  private readonly usedPorts = new Set<number>();
  private trunkAddress: string | undefined;
  private readonly spool: Spool;
  private fatal: ((e: Error) => void) | undefined;
  private registerCseq = 1;
  private registered = false;
  private readonly registerCallId = `${tag()}${tag()}`;
  private readonly registerTag = tag();
  private readonly ip: string;
  private readonly transfers: Transfers;
  /** RFC 4028 session timers of the calls (session-timer.ts) */
  private readonly sessions = new SessionTimers({
    later: (ms, run) => this.later(ms, run),
    cancel: (timer) => this.cancel(timer),
    send: (rq, onResponse) => this.stack?.send(rq, onResponse),
    hangUp: (call, cause) => {
      const live = this.calls.get(call.id);
      if (!live || live.state !== 'in-progress') return;
      // the other side stopped keeping the session up: the call broke rather than ended, and the reason is kept
      this.sendBye(live);
      void this.endCall(live, 'failed', cause);
    },
    contact: (call) => `sip:${digits((call as Call).business)}@${this.ip}:${this.config.listenPort}`,
    settings: () => ({ minSe: this.config.minSessionExpiresSeconds, expires: this.config.sessionExpiresSeconds }),
  });

  /** a caller who says nothing is asked again, then let go (silence.ts) */
  private readonly silence = new SilenceWatch(
    {
      later: (ms, run) => this.later(ms, run),
      cancel: (timer) => this.cancel(timer),
      listening: (id) => {
        const call = this.calls.get(id);
        return this.stores && call?.state === 'in-progress' && !!call.media && !this.transfers.busy(id);
      },
      speak: async (id, text) => {
        const samples = await this.speak(text);
        const call = this.calls.get(id);
        if (!this.stores || call?.state !== 'in-progress' || !call.media || this.transfers.busy(id)) return undefined;
        return call.media.play(samples);
      },
      hangUp: (id, cause) => {
        const call = this.calls.get(id);
        if (!call || call.state !== 'in-progress') return;
        this.ctx.log.info(`hanging up a silent caller: ${cause}`, { callId: id });
        this.sendBye(call);
        void this.endCall(call, 'completed', cause);
      },
    },
    () => this.config.silenceRepromptSeconds * 1000,
  );

  /** what the line does with a call: stores it and lets the agent answer (a closed line, closed-line.ts, does not) */
  protected readonly stores: boolean = true;

  constructor(protected readonly ctx: Ctx) {
    this.spool = new Spool(ctx.connectionId);
    this.ip = localIp(ctx.config);
    this.transfers = new Transfers(this.transferHost());
  }

  protected get config(): SipConfig {
    return this.ctx.config;
  }

  /** a timer that dies with the agent; cleared by `cancel` or when the connection stops */
  private later(ms: number, run: () => void): NodeJS.Timeout {
    if (this.closing) {
      const idle = setTimeout(() => undefined, 0);
      clearTimeout(idle);
      return idle;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private cancel(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  private track(call: Call): void {
    this.calls.set(call.id, call);
    this.dialogs.set(call.sipCallId, call);
  }

  private untrack(call: Call): void {
    if (this.calls.get(call.id) === call) this.calls.delete(call.id);
    if (this.dialogs.get(call.sipCallId) === call) this.dialogs.delete(call.sipCallId);
  }

  /**
   * the call a request belongs to: same Call-ID, and the tags of its dialog (RFC 3261 §12.2.2) — the To tag ours
   * when there is one, the From tag the peer's — so a stranger reusing a Call-ID reaches no call of another
   */
  private callOf(rq: SipMessage): Call | undefined {
    const call = this.dialogs.get(rq.headers['call-id']);
    if (!call) return undefined;
    const toTag = rq.headers.to.params.tag;
    if (toTag !== undefined && toTag !== call.localTag) return undefined;
    const theirs = call.direction === 'inbound' ? call.invite.headers.from.params.tag : call.dialog?.remote.params.tag;
    if (theirs !== undefined && rq.headers.from.params.tag !== theirs) return undefined;
    return call;
  }

  /** runs until the connection stops (resolves) or registration is refused for good (rejects) */
  async run(): Promise<void> {
    const { config } = this;
    try {
      this.trunkAddress = (await lookup(config.trunk.host, { family: 4 })).address;
    } catch (error) {
      throw new ChannelError(
        'INVALID_CONFIG',
        `the trunk host ${config.trunk.host} is not found: ${(error as Error).message}`,
      );
    }
    await this.portIsFree();
    if (this.stores) await this.recoverCutCalls();
    const failed = new Promise<never>((_, reject) => (this.fatal = reject));
    failed.catch(() => undefined);
    const options: Parameters<typeof sip.create>[0] = {
      address: config.listenAddress,
      port: config.listenPort,
      // the stack takes a request to its own host name (publicAddress, else address, read once here) for one to
      // itself (a flow token, sip.js `send`): a name of its own keeps a trunk on our address (a local SBC, the
      // tests) a peer
      publicAddress: `ua-${tag()}.invalid`,
      udp: config.trunk.transport === 'udp',
      tcp: config.trunk.transport === 'tcp',
      logger: { error: (e) => this.ctx.log.debug(`SIP stack: ${e instanceof Error ? e.message : String(e)}`) },
    };
    this.stack = sip.create(options, (rq, remote) => this.onRequest(rq, remote));
    // read by the transport at each send, for the Via of our requests: the address the trunk reaches us at
    options.publicAddress = this.ip;
    if (this.stores) agents.set(this.ctx.connectionId, this);
    try {
      if (config.trunk.register) await Promise.race([this.register(), failed]);
      const stopped = new Promise<void>((resolve) => {
        if (this.ctx.signal.aborted) resolve();
        this.ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await Promise.race([stopped, failed]);
    } finally {
      await this.close();
    }
  }

  /**
   * the `sip` package binds its socket without an error handler: a port already taken would bring the process
   * down, so it is tried first and a taken one is the connection's error
   */
  private portIsFree(): Promise<void> {
    const { listenAddress: address, listenPort: port, trunk } = this.config;
    return new Promise((resolve, reject) => {
      const refuse = (error: Error) =>
        reject(new ChannelError('INVALID_CONFIG', `SIP port ${address}:${port} cannot be used: ${error.message}`));
      if (trunk.transport === 'udp') {
        const probe = createSocket('udp4');
        probe.once('error', (e) => {
          probe.close();
          refuse(e);
        });
        probe.bind(port, address, () => probe.close(() => resolve()));
      } else {
        const probe = createServer();
        probe.once('error', refuse);
        probe.listen(port, address, () => probe.close(() => resolve()));
      }
    });
  }

  private async close(): Promise<void> {
    if (agents.get(this.ctx.connectionId) === this) agents.delete(this.ctx.connectionId);
    this.closing = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    // the connection stops: its calls end (each caller is told), recordings kept as far as they got — side by side,
    // a few at a time, so a stop with many calls waits for the slowest batch rather than for every call in turn
    const ending = [...this.calls.values()];
    for (let i = 0; i < ending.length; i += END_AT_ONCE)
      await Promise.all(
        ending.slice(i, i + END_AT_ONCE).map((call) => {
          if (call.state === 'in-progress') this.sendBye(call);
          return this.endCall(
            call,
            call.state === 'ringing' ? 'canceled' : 'completed',
            'the connection stopped',
          ).catch(() => undefined);
        }),
      );
    if (this.registered) await this.unregister().catch(() => undefined);
    // the unregistration's own transaction timer goes too: nothing of the agent outlives its stop
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.stack?.destroy();
    this.stack = undefined;
  }

  // --- hub updates ------------------------------------------------------------------------------------------

  protected deliver(call: Call, update: SipUpdate, key: string): Promise<unknown> {
    call.chain = call.chain
      .then(() =>
        this.ctx.deliver({
          body: Buffer.from(JSON.stringify(update)),
          headers: { [EVENT_HEADER]: `${call.id}/${key}`, 'content-type': 'application/json' },
        }),
      )
      .catch((error: unknown) =>
        this.ctx.log.warn(`a call update was not stored: ${error instanceof Error ? error.message : String(error)}`),
      );
    return call.chain;
  }

  private callUpdate(
    call: Call,
    state: Extract<SipUpdate, { event: 'call' }>['state'],
    extra: { durationSeconds?: number; hangupCause?: string } = {},
  ) {
    return this.deliver(
      call,
      {
        event: 'call',
        callId: call.id,
        customer: call.customer,
        business: call.business,
        at: new Date().toISOString(),
        direction: call.direction,
        state,
        ...extra,
      },
      `state-${state}`,
    );
  }

  /** calls whose marker survived the process: the hub stopped during them, and nobody can resume their media */
  private async recoverCutCalls(): Promise<void> {
    for (const marker of await this.spool.liveMarkers()) {
      const at = new Date().toISOString();
      const ok = await this.ctx
        .deliver({
          body: Buffer.from(
            JSON.stringify({
              event: 'call',
              callId: marker.callId,
              customer: marker.customer,
              business: marker.business,
              direction: marker.direction ?? 'inbound',
              state: 'failed',
              at,
              hangupCause: 'the hub stopped during the call',
            } satisfies SipUpdate),
          ),
          headers: { [EVENT_HEADER]: `${marker.callId}/state-failed`, 'content-type': 'application/json' },
        })
        .then(() => true)
        .catch(() => false);
      if (ok) await this.spool.dropMarker(marker.callId);
    }
  }

  // --- requests ---------------------------------------------------------------------------------------------

  private reply(rq: SipMessage, status: number, reason: string, extension?: Partial<SipMessage>): void {
    this.stack?.send(sip.makeResponse(rq, status, reason, extension));
  }

  private onRequest(rq: SipMessage, remote: SipRemote): void {
    // a request in the dialog of an operator's leg (transfer.ts)
    if (this.transfers.onRequest(rq, remote)) return;
    const call = this.callOf(rq);
    // a request of a call's dialog comes from its peer, the trunk: anyone else who learnt the Call-ID and tags could
    // otherwise move the call's media to themselves (re-INVITE, UPDATE) or end it
    if (call && rq.method !== 'ACK' && remote.address !== call.remote.address) return this.reply(rq, 403, 'Forbidden');
    switch (rq.method) {
      case 'OPTIONS':
        return this.reply(rq, 200, 'OK', {
          headers: { allow: ALLOW, accept: 'application/sdp', supported: 'timer' } as never,
        });
      case 'INVITE':
        // a re-INVITE names the dialog by its To tag (ours): without one it is no request of the call's dialog
        if (call && rq.headers.to.params.tag !== undefined) return void this.reinvite(call, rq);
        // an INVITE of a dialog we do not know, or a second call reusing a live Call-ID (RFC 3261 §8.2.2.2)
        if (rq.headers.to.params.tag !== undefined) return this.reply(rq, 481, 'Call/Transaction Does Not Exist');
        if (this.dialogs.has(rq.headers['call-id'])) return this.reply(rq, 482, 'Loop Detected');
        return void this.invite(rq, remote).catch((error: unknown) => {
          this.ctx.log.warn(`a call could not be answered: ${error instanceof Error ? error.message : String(error)}`);
        });
      case 'ACK':
        return;
      case 'CANCEL':
        this.reply(rq, 200, 'OK');
        if (call && call.state === 'ringing') {
          this.reply(call.invite, 487, 'Request Terminated', {
            headers: {
              to: { ...call.invite.headers.to, params: { ...call.invite.headers.to.params, tag: call.localTag } },
            } as never,
          });
          void this.endCall(call, 'canceled', 'the caller hung up before the answer');
        }
        return;
      case 'UPDATE':
        if (!call) return this.reply(rq, 481, 'Call/Transaction Does Not Exist');
        return this.update(call, rq);
      case 'BYE':
        if (!call) return this.reply(rq, 481, 'Call/Transaction Does Not Exist');
        this.reply(rq, 200, 'OK');
        return void this.endCall(call, 'completed', 'the caller hung up');
      default:
        return this.reply(rq, 405, 'Method Not Allowed', { headers: { allow: ALLOW } as never });
    }
  }

  private ourNumber(rq: SipMessage): string | undefined {
    const wanted = [numberOf(rq.uri), numberOf(rq.headers.to.uri)].filter(Boolean).map((n) => digits(n as string));
    return this.config.didNumbers.find((n) => wanted.includes(digits(n)));
  }

  private async invite(rq: SipMessage, remote: SipRemote): Promise<void> {
    const { config } = this;
    // calls come from the trunk only: a SIP port on a public address is called by scanners all day, and a call
    // accepted from anyone would run the agent, speak, record and send media wherever its offer points
    if (remote.address !== this.trunkAddress) return this.reply(rq, 403, 'Forbidden');
    const business = this.ourNumber(rq);
    if (!business) return this.reply(rq, 404, 'Not Found');
    if (this.calls.size >= config.maxCalls) return this.reply(rq, 486, 'Busy Here');
    const offer = this.readOffer(rq.content);
    if (!offer) return this.reply(rq, 488, 'Not Acceptable Here');
    const timer = uasVerdict(rq, { minSe: config.minSessionExpiresSeconds });
    if (timer.kind === 'too-small')
      return this.reply(rq, 422, 'Session Interval Too Small', { headers: timer.headers as never });
    const customer = numberOf(rq.headers.from.uri) ?? 'anonymous';
    const call: Call = {
      id: newCallId(),
      sipCallId: rq.headers['call-id'],
      direction: 'inbound',
      invite: rq,
      remote,
      customer,
      business,
      localTag: tag(),
      state: 'ringing',
      seq: 0,
      cseq: 1,
      chain: Promise.resolve(),
      bargedIn: false,
      sdpVersion: 1,
    };
    this.track(call);
    const toTagged = { ...rq.headers.to, params: { ...rq.headers.to.params, tag: call.localTag } };
    this.reply(rq, 100, 'Trying');
    this.reply(rq, 180, 'Ringing', { headers: { to: toTagged } as never });
    if (this.stores)
      await this.spool
        .markLive({ callId: call.id, customer, business })
        .catch((error: unknown) => this.spoolTrouble(error));
    void this.callUpdate(call, 'ringing');
    // settled together: a greeting that fails at once must not leave the media thread starting beside it unowned
    const [spoken, media] = await Promise.allSettled([
      this.speak(this.greetingText()),
      this.startMedia(call, offer),
      new Promise<void>((r) => (config.ringMs > 0 ? this.later(config.ringMs, r) : r())),
    ]);
    const failure = spoken.status === 'rejected' ? spoken.reason : media.status === 'rejected' ? media.reason : null;
    if (failure !== null || spoken.status !== 'fulfilled') {
      if (call.state !== 'ringing') {
        await call.media?.kill();
        if (call.rtpPort !== undefined) this.usedPorts.delete(call.rtpPort);
        return;
      }
      this.reply(rq, 500, 'Server Internal Error', { headers: { to: toTagged } as never });
      await this.endCall(call, 'failed', `the call could not be answered: ${(failure as Error)?.message ?? 'unknown'}`);
      return;
    }
    const greeting: Int16Array = spoken.value;
    // canceled while it rang: media that started after the call ended goes with it
    if (call.state !== 'ringing') {
      await call.media?.kill();
      if (call.rtpPort !== undefined) this.usedPorts.delete(call.rtpPort);
      return;
    }
    call.localSdp = this.answerSdp(call, offer);
    this.reply(rq, 200, 'OK', {
      headers: {
        to: toTagged,
        contact: [{ uri: `sip:${digits(business)}@${this.ip}:${config.listenPort}` }],
        allow: ALLOW,
        supported: 'timer',
        ...(timer.kind === 'timer' ? timer.headers : {}),
        'content-type': 'application/sdp',
      } as never,
      content: call.localSdp,
    });
    call.dialog = {
      local: toTagged,
      remote: rq.headers.from,
      target: (Array.isArray(rq.headers.contact) ? rq.headers.contact[0]?.uri : undefined) ?? rq.headers.from.uri,
      routes: rq.headers['record-route'] ?? [],
    };
    call.state = 'in-progress';
    call.answeredAt = Date.now();
    if (timer.kind === 'timer') this.sessions.start(call, timer.interval);
    void this.callUpdate(call, 'in-progress');
    const clip = call.media?.play(greeting);
    if (clip !== undefined) this.greeted(call, clip);
  }

  /** what a caller hears first */
  protected greetingText(): string {
    return this.config.greeting;
  }

  /** the greeting (clip `clip`) is playing on the answered call */
  protected greeted(_call: Call, _clip: number): void {}

  /** a clip finished playing (or was stopped) */
  protected played(_call: Call, _clip: number, _stopped: boolean): void {}

  private readOffer(
    content: string | undefined,
  ): { address: string; port: number; codec: G711; payloadType: number; dtmf?: number; direction: string } | undefined {
    if (!content) return undefined;
    let parsed: sdpTransform.SessionDescription;
    try {
      parsed = sdpTransform.parse(content);
    } catch {
      return undefined;
    }
    const audio = parsed.media.find((m) => m.type === 'audio' && m.port > 0);
    if (!audio) return undefined;
    const address = audio.connection?.ip ?? parsed.connection?.ip;
    if (!address) return undefined;
    const offered = String(audio.payloads ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    const nameOf = (pt: number) =>
      audio.rtp.find((r) => r.payload === pt)?.codec.toUpperCase() ?? (pt === 0 ? 'PCMU' : pt === 8 ? 'PCMA' : '');
    const ours = this.config.codecs.filter((c): c is G711 => c !== 'telephone-event');
    let chosen: { codec: G711; payloadType: number } | undefined;
    for (const pt of offered) {
      const name = nameOf(pt);
      if ((ours as string[]).includes(name)) {
        chosen = { codec: name as G711, payloadType: pt };
        break;
      }
    }
    if (!chosen) return undefined;
    const dtmf = this.config.codecs.includes('telephone-event')
      ? audio.rtp.find((r) => r.codec.toLowerCase() === 'telephone-event' && r.rate === 8000)?.payload
      : undefined;
    return {
      address,
      port: audio.port,
      ...chosen,
      ...(dtmf !== undefined ? { dtmf } : {}),
      direction: audio.direction ?? 'sendrecv',
    };
  }

  private answerSdp(
    call: Call,
    offer: NonNullable<ReturnType<SipUserAgent['readOffer']>>,
    direction = 'sendrecv',
  ): string {
    const session = {
      id: Number.parseInt(call.localTag.slice(0, 8), 16),
      version: call.sdpVersion,
      port: call.rtpPort ?? 0,
    };
    return this.sdpAnswer(session, offer, direction);
  }

  private sdpAnswer(
    session: { id: number; version: number; port: number },
    offer: NonNullable<ReturnType<SipUserAgent['readOffer']>>,
    direction: string,
  ): string {
    const payloads = [offer.payloadType, ...(offer.dtmf !== undefined ? [offer.dtmf] : [])];
    const description: sdpTransform.SessionDescription = {
      version: 0,
      origin: {
        username: 'switchboard',
        sessionId: session.id,
        sessionVersion: session.version,
        netType: 'IN',
        ipVer: 4,
        address: this.ip,
      },
      name: 'switchboard',
      timing: { start: 0, stop: 0 },
      connection: { version: 4, ip: this.ip },
      media: [
        {
          type: 'audio',
          port: session.port,
          protocol: 'RTP/AVP',
          payloads: payloads.join(' '),
          rtp: [
            { payload: offer.payloadType, codec: offer.codec, rate: TELEPHONE_RATE },
            ...(offer.dtmf !== undefined ? [{ payload: offer.dtmf, codec: 'telephone-event', rate: 8000 }] : []),
          ],
          fmtp: offer.dtmf !== undefined ? [{ payload: offer.dtmf, config: '0-16' }] : [],
          ptime: 20,
          direction: direction as 'sendrecv',
        },
      ],
    };
    return sdpTransform.write(description);
  }

  /** a re-INVITE in the call: hold (sendonly/inactive) or the caller's media moved; answered with our SDP */
  private reinvite(call: Call, rq: SipMessage): void {
    this.modify(call, rq, 'INVITE');
  }

  /** an UPDATE in the call (RFC 3311): a session refresh, with or without a new offer */
  private update(call: Call, rq: SipMessage): void {
    this.modify(call, rq, 'UPDATE');
  }

  /**
   * a request modifying the call: a new offer moves or holds the media; none (a session refresh, RFC 4028 §7.4)
   * keeps it — a re-INVITE without an offer gets ours as the offer (RFC 3261 §14.2), an UPDATE without one no body.
   * Either way the session interval it carries starts over (RFC 4028 §9), or a too small one is refused 422.
   */
  private modify(call: Call, rq: SipMessage, method: 'INVITE' | 'UPDATE'): void {
    if (call.state !== 'in-progress') return this.reply(rq, method === 'INVITE' ? 488 : 481, 'Not Acceptable Here');
    const offer = rq.content ? this.readOffer(rq.content) : undefined;
    if (rq.content && !offer) return this.reply(rq, 488, 'Not Acceptable Here');
    const timer = uasVerdict(rq, { minSe: this.config.minSessionExpiresSeconds });
    if (timer.kind === 'too-small')
      return this.reply(rq, 422, 'Session Interval Too Small', { headers: timer.headers as never });
    if (offer) {
      call.media?.retarget(offer.address, offer.port);
      const ours =
        offer.direction === 'sendonly' ? 'recvonly' : offer.direction === 'inactive' ? 'inactive' : 'sendrecv';
      call.sdpVersion++;
      call.localSdp = this.answerSdp(call, offer, ours);
    }
    const body = offer || method === 'INVITE' ? call.localSdp : undefined;
    this.reply(rq, 200, 'OK', {
      headers: {
        contact: [{ uri: `sip:${digits(call.business)}@${this.ip}:${this.config.listenPort}` }],
        allow: ALLOW,
        supported: 'timer',
        ...(timer.kind === 'timer' ? timer.headers : {}),
        ...(body ? { 'content-type': 'application/sdp' } : {}),
      } as never,
      ...(body ? { content: body } : {}),
    });
    if (timer.kind === 'timer') this.sessions.start(call, timer.interval);
  }

  private async startMedia(
    call: Call,
    offer: NonNullable<ReturnType<SipUserAgent['readOffer']>>,
    /** the port our offer named (an outbound call) */
    fixed?: number,
  ): Promise<void> {
    const { min, max } = this.config.rtpPortRange;
    let lastError: unknown;
    for (let attempt = 0; attempt < (fixed === undefined ? 20 : 1); attempt++) {
      // RTP on even ports, RTCP (not sent) would be the odd one above (RFC 3550 §11)
      const span = Math.floor((max - min) / 2);
      const port = fixed ?? min + 2 * Math.floor(Math.random() * Math.max(1, span));
      if (fixed === undefined && this.usedPorts.has(port)) continue;
      this.usedPorts.add(port);
      const media = new RtpMedia(
        {
          localAddress: this.config.listenAddress,
          localPort: port,
          remoteAddress: offer.address,
          remotePort: offer.port,
          codec: offer.codec,
          payloadType: offer.payloadType,
          dtmfPayloadType: offer.dtmf,
          speechRms: this.config.speechLevel,
          silenceMs: this.config.endOfSpeechMs,
          bargeIn: this.stores,
        },
        {
          utterance: (u) => {
            this.silence.heard(call.id);
            void this.onUtterance(call, u);
          },
          dtmf: (d) => {
            this.silence.heard(call.id);
            this.onDigit(call, d);
          },
          bargeIn: () => {
            call.bargedIn = true;
            this.silence.heard(call.id);
          },
          speech: () => this.silence.heard(call.id),
          played: (clip, stopped) => {
            this.silence.played(call.id, clip, stopped);
            this.played(call, clip, stopped);
          },
        },
      );
      try {
        await media.start();
        call.media = media;
        call.rtpPort = port;
        return;
      } catch (error) {
        lastError = error;
        this.usedPorts.delete(port);
        await media.kill();
      }
    }
    throw new Error(
      `no free RTP port in ${min}-${max}: ${lastError instanceof Error ? lastError.message : String(lastError)}`,
    );
  }

  private async onUtterance(call: Call, u: Utterance): Promise<void> {
    if (!this.stores || (call.state === 'ended' && !call.media)) return;
    const seq = ++call.seq;
    let file: string;
    try {
      file = await this.spool.write(
        `${this.spool.callFile(call.id)}-u${seq}.wav`,
        encodeWav({ sampleRate: TELEPHONE_RATE, channels: 1, samples: u.samples }),
      );
    } catch (error) {
      return this.spoolTrouble(error);
    }
    const bargeIn = call.bargedIn;
    call.bargedIn = false;
    await this.deliver(
      call,
      {
        event: 'utterance',
        callId: call.id,
        customer: call.customer,
        business: call.business,
        at: new Date().toISOString(),
        seq,
        file,
        startMs: u.startMs,
        durationMs: u.durationMs,
        level: u.level,
        ...(bargeIn ? { bargeIn } : {}),
      },
      `u${seq}`,
    );
  }

  private onDigit(call: Call, digit: string): void {
    if (!this.stores || call.state !== 'in-progress') return;
    // 0 asks for a person; during a transfer keys are nobody's
    const transfer = this.transfers.digit(call, digit);
    if (transfer === 'ignore') return;
    const seq = ++call.seq;
    // a key is an answer: what is still being said stops
    call.media?.stopPlayback();
    void this.deliver(
      call,
      {
        event: 'dtmf',
        callId: call.id,
        customer: call.customer,
        business: call.business,
        at: new Date().toISOString(),
        seq,
        digit,
        ...transfer,
      },
      `d${seq}`,
    );
  }

  private async endCall(
    call: Call,
    state: 'completed' | 'canceled' | 'failed' | 'busy' | 'no-answer',
    cause: string,
  ): Promise<void> {
    if (call.state === 'ended') return;
    const answered = call.state === 'in-progress';
    call.state = 'ended';
    this.sessions.stop(call);
    this.silence.ended(call.id);
    // the operator's leg ends with the call, a voicemail being taken is handed over first
    const handed = await this.transfers.ending(call);
    const media = call.media;
    if (media) {
      try {
        const end = await media.end();
        if (this.stores && answered && end.recording.length > 0) {
          const file = await this.spool.write(
            `${this.spool.callFile(call.id)}-rec.wav`,
            encodeWav({ sampleRate: TELEPHONE_RATE, channels: 2, samples: end.recording }),
          );
          await this.deliver(
            call,
            {
              event: 'recording',
              callId: call.id,
              customer: call.customer,
              business: call.business,
              at: new Date().toISOString(),
              file,
              durationSeconds: Math.round(end.recording.length / 2 / TELEPHONE_RATE),
              ...handed,
            },
            'recording',
          );
        }
        // the media clock's figures of every call (npm run bench reads them)
        this.ctx.log.debug('call media', { callId: call.id, ...end.stats });
      } catch (error) {
        this.ctx.log.warn(`the call's recording was lost: ${(error as Error).message}`);
        await media.kill();
      }
    }
    if (call.rtpPort !== undefined) this.usedPorts.delete(call.rtpPort);
    const durationSeconds = call.answeredAt ? Math.round((Date.now() - call.answeredAt) / 1000) : 0;
    await this.callUpdate(call, state, { durationSeconds, ...(state === 'completed' ? {} : { hangupCause: cause }) });
    this.untrack(call);
    await this.spool.dropMarker(call.id).catch((error: unknown) => this.spoolTrouble(error));
  }

  /** a spool the disk refuses (full, permissions) loses a file, never the process: logged, the call goes on */
  private spoolTrouble(error: unknown): void {
    this.ctx.log.warn(`the call spool failed: ${error instanceof Error ? error.message : String(error)}`);
  }

  /** our hang-up: BYE in the dialog (RFC 3261 §15.1.1), to the peer's Contact along the route set */
  private sendBye(call: Call): void {
    const d = call.dialog;
    if (!d) return;
    this.stack?.send({
      method: 'BYE',
      uri: d.target,
      headers: {
        to: d.remote,
        from: d.local,
        'call-id': call.sipCallId,
        cseq: { method: 'BYE', seq: ++call.cseq },
        via: [],
        ...(d.routes.length ? { route: d.routes.map((r) => ({ ...r })) } : {}),
      },
    });
  }

  /** the agent (or the API) ends a live call */
  hangUp(callId: string): boolean {
    const call = this.calls.get(callId);
    if (!call || call.state !== 'in-progress') return false;
    this.sendBye(call);
    void this.endCall(call, 'completed', 'the hub hung up');
    return true;
  }

  // --- outbound calls ---------------------------------------------------------------------------------------

  /** an offer of our codecs on a port of ours (RFC 3264 §5) */
  private offerSdp(port: number, sessionId: number): string {
    const audio = this.config.codecs.filter((c): c is G711 => c !== 'telephone-event');
    const dtmf = this.config.codecs.includes('telephone-event') ? 101 : undefined;
    const pts = audio.map((c) => (c === 'PCMU' ? 0 : 8));
    return sdpTransform.write({
      version: 0,
      origin: { username: 'switchboard', sessionId, sessionVersion: 1, netType: 'IN', ipVer: 4, address: this.ip },
      name: 'switchboard',
      timing: { start: 0, stop: 0 },
      connection: { version: 4, ip: this.ip },
      media: [
        {
          type: 'audio',
          port,
          protocol: 'RTP/AVP',
          payloads: [...pts, ...(dtmf !== undefined ? [dtmf] : [])].join(' '),
          rtp: [
            ...audio.map((codec, i) => ({ payload: pts[i] as number, codec, rate: TELEPHONE_RATE })),
            ...(dtmf !== undefined ? [{ payload: dtmf, codec: 'telephone-event', rate: 8000 }] : []),
          ],
          fmtp: dtmf !== undefined ? [{ payload: dtmf, config: '0-16' }] : [],
          ptime: 20,
          direction: 'sendrecv',
        },
      ],
    });
  }

  private freePort(): number {
    const { min, max } = this.config.rtpPortRange;
    const span = Math.max(1, Math.floor((max - min) / 2));
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = min + 2 * Math.floor(Math.random() * span);
      if (!this.usedPorts.has(port)) {
        this.usedPorts.add(port);
        return port;
      }
    }
    throw new ChannelError('UNAVAILABLE', 'no free RTP port for the call');
  }

  /**
   * INVITE `to` through the trunk (a digest challenge answered once), resolved once the trunk took the request
   * (its first response); ringing, the answer (greeting spoken) and the outcome — 486/600/603 busy, nobody
   * answering within `ringTimeoutSeconds` (CANCEL) no-answer, any other refusal failed — follow as call updates
   */
  place(input: {
    to: string;
    from?: string | undefined;
    greeting?: string | undefined;
  }): Promise<{ providerCallId: string; from: string; to: string }> {
    const { config } = this;
    if (this.calls.size >= config.maxCalls)
      throw new ChannelError('RATE_LIMITED', 'the connection has as many calls as it takes', { retryAfterMs: 5000 });
    const from = input.from && config.didNumbers.includes(input.from) ? input.from : (config.didNumbers[0] as string);
    const port = this.freePort();
    const callId = newCallId();
    const sipCallId = `${tag()}${tag()}@switchboard`;
    const local: SipAddress = { uri: `sip:${digits(from)}@${this.ip}`, params: { tag: tag() } };
    const target = `sip:${digits(input.to)}@${config.trunk.host}:${config.trunk.port}`;
    // the session interval we offer; a 422 raises it once to what the trunk asks (RFC 4028 §7.3)
    let interval = config.sessionExpiresSeconds;
    const invite = (seq: number): SipMessage => ({
      method: 'INVITE',
      uri: target,
      headers: {
        to: { uri: `sip:${digits(input.to)}@${config.trunk.host}`, params: {} },
        from: local,
        'call-id': sipCallId,
        cseq: { method: 'INVITE', seq },
        via: [],
        contact: [{ uri: `sip:${digits(from)}@${this.ip}:${config.listenPort}`, params: {} }],
        ...uacOffer(interval, config.minSessionExpiresSeconds),
        'content-type': 'application/sdp',
        'max-forwards': 70,
      } as never,
      content: this.offerSdp(port, Date.now() % 1_000_000_000),
    });
    const call: Call = {
      id: callId,
      sipCallId,
      direction: 'outbound',
      invite: invite(1),
      remote: {
        protocol: config.trunk.transport.toUpperCase(),
        address: this.trunkAddress ?? config.trunk.host,
        port: config.trunk.port,
      },
      customer: input.to,
      business: from,
      localTag: local.params.tag as string,
      state: 'ringing',
      rtpPort: port,
      seq: 0,
      cseq: 1,
      chain: Promise.resolve(),
      bargedIn: false,
      sdpVersion: 1,
    };
    this.track(call);
    const greeting = this.speak(input.greeting ?? config.greeting);
    greeting.catch(() => undefined);
    return new Promise((resolve, reject) => {
      let settled = false;
      const accepted = () => {
        if (settled) return;
        settled = true;
        resolve({ providerCallId: callId, from, to: input.to });
      };
      const refuse = (error: ChannelError) => {
        // the ringing update went already: the stored call ends too, with the trunk's reason
        if (call.state !== 'ended') {
          call.state = 'ended';
          void this.callUpdate(call, 'failed', { hangupCause: error.message });
        }
        this.untrack(call);
        this.usedPorts.delete(port);
        if (!settled) {
          settled = true;
          reject(error);
        }
      };
      let challenged = false;
      let widened = false;
      let current = call.invite;
      const ringTimer = this.later(config.ringTimeoutSeconds * 1000, () => {
        if (call.state !== 'ringing') return;
        // nobody took the call: CANCEL the INVITE (same branch, RFC 3261 §9.1); the 487 that follows ends it
        this.stack?.send({
          method: 'CANCEL',
          uri: current.uri,
          headers: {
            to: current.headers.to,
            from: current.headers.from,
            'call-id': sipCallId,
            cseq: { method: 'CANCEL', seq: current.headers.cseq.seq },
            via: [{ ...current.headers.via[0], params: { ...current.headers.via[0]?.params } }],
          } as never,
        });
        void this.endCall(call, 'no-answer', `nobody answered within ${config.ringTimeoutSeconds} s`);
      });
      const onResponse = (rs: SipMessage) => {
        const status = rs.status ?? 0;
        if (status < 200) {
          accepted();
          if (status >= 180)
            this.spool
              .markLive({ callId, direction: 'outbound', customer: call.customer, business: from })
              .catch((error: unknown) => this.spoolTrouble(error));
          return;
        }
        if ((status === 401 || status === 407) && !challenged && config.password) {
          challenged = true;
          current = invite(++call.cseq);
          call.invite = current;
          digest.signRequest({}, current, rs, {
            user: config.trunk.username ?? digits(from),
            password: config.password,
            ...(config.trunk.realm ? { realm: config.trunk.realm } : {}),
          });
          this.stack?.send(current, onResponse);
          return;
        }
        if (status === 422 && !widened) {
          widened = true;
          interval = Math.max(interval, readMinSe(rs.headers) ?? interval);
          // the new INVITE carries the credentials the challenge asked for, if there was one
          const authorized = current.headers.authorization ?? current.headers['proxy-authorization'];
          current = invite(++call.cseq);
          if (authorized && config.password)
            digest.signRequest({}, current, rs, {
              user: config.trunk.username ?? digits(from),
              password: config.password,
              ...(config.trunk.realm ? { realm: config.trunk.realm } : {}),
            });
          call.invite = current;
          this.stack?.send(current, onResponse);
          return;
        }
        if (status >= 300) {
          this.cancel(ringTimer);
          if (status === 401 || status === 407 || status === 403) {
            const reason = `${status} ${rs.reason ?? ''}`.trim();
            if (!settled)
              return refuse(new ChannelError('AUTH', `the trunk refused our credentials for the call (${reason})`));
          }
          if (!settled && (status === 404 || status === 484 || status === 604))
            return refuse(
              new ChannelError(
                'INVALID_RECIPIENT',
                `the trunk cannot reach ${input.to} (${status} ${rs.reason ?? ''})`,
              ),
            );
          accepted();
          if (call.state !== 'ringing') return;
          const busy = status === 486 || status === 600 || status === 603;
          const unanswered = status === 408 || status === 480 || status === 487;
          void this.endCall(
            call,
            busy ? 'busy' : unanswered ? 'no-answer' : 'failed',
            `${status} ${rs.reason ?? ''}`.trim(),
          );
          return;
        }
        // 2xx: acknowledged by us, not by the transaction (RFC 3261 §13.2.2.4), every copy of it
        accepted();
        this.cancel(ringTimer);
        const contact = Array.isArray(rs.headers.contact) ? rs.headers.contact[0]?.uri : undefined;
        call.dialog ??= {
          local,
          remote: rs.headers.to,
          target: contact ?? target,
          routes: [...(rs.headers['record-route'] ?? [])].reverse(),
        };
        const d = call.dialog;
        this.stack?.send({
          method: 'ACK',
          uri: d.target,
          headers: {
            to: d.remote,
            from: d.local,
            'call-id': sipCallId,
            cseq: { method: 'ACK', seq: rs.headers.cseq.seq },
            via: [],
            ...(d.routes.length ? { route: d.routes.map((r) => ({ ...r })) } : {}),
          },
        });
        if (call.state !== 'ringing') {
          // answered after we gave up: hang up at once
          if (call.state === 'ended') this.sendBye(call);
          return;
        }
        // the answer says who refreshes the session and how often (RFC 4028 §7.2); none: no session timer
        const agreed = readSessionExpires(rs.headers);
        if (agreed) call.sessionInterval = { expires: agreed.expires, refresher: agreed.refresher ?? 'uac' };
        void this.answered(call, rs, greeting);
      };
      this.stack?.send(call.invite, onResponse);
      void this.callUpdate(call, 'ringing');
    });
  }

  private async answered(call: Call, rs: SipMessage, greeting: Promise<Int16Array>): Promise<void> {
    const answer = this.readOffer(rs.content);
    if (!answer) {
      this.sendBye(call);
      return this.endCall(call, 'failed', 'the answer had no codec of ours');
    }
    call.state = 'in-progress';
    call.answeredAt = Date.now();
    // the offer the answer took is the session's SDP: a session refresh sends it again, unchanged
    call.localSdp ??= call.invite.content;
    if (call.sessionInterval) this.sessions.start(call, call.sessionInterval);
    void this.callUpdate(call, 'in-progress');
    try {
      await this.startMedia(call, answer, call.rtpPort);
      // hung up while the media started: the call ended without it, so the media goes now
      if ((call.state as Call['state']) === 'ended') {
        await call.media?.kill();
        if (call.rtpPort !== undefined) this.usedPorts.delete(call.rtpPort);
        return;
      }
      call.media?.play(await greeting);
    } catch (error) {
      this.sendBye(call);
      await this.endCall(call, 'failed', `the call's audio could not start: ${(error as Error).message}`);
    }
  }

  // --- speaking ---------------------------------------------------------------------------------------------

  private tts(): TextToSpeech {
    const t = this.config.textToSpeech;
    return t.engine === 'espeak-ng'
      ? { engine: 'espeak-ng', voice: t.voice, wordsPerMinute: t.wordsPerMinute }
      : { engine: 'openai', baseUrl: t.baseUrl, model: t.model, voice: t.voice, apiKey: this.config.ttsApiKey };
  }

  async speak(text: string): Promise<Int16Array> {
    return (await synthesizeSpeech(text, this.tts(), { http: this.ctx.http })).samples;
  }

  /**
   * an agent's reply spoken on the live call (send.ts); false when the call is not live here. With `handoff` the
   * call is transferred once the words are heard (transfer.ts)
   */
  async say(callId: string, text: string, handoff?: { transferTo: string[] }): Promise<boolean> {
    const call = this.calls.get(callId);
    // a call handed to people (operators ringing, a voicemail, the bridge) is no longer the agent's to speak on: a
    // reply still in flight would talk over the ringback, the voicemail or the operator
    if (!call || call.state !== 'in-progress' || !call.media || this.transfers.busy(call.id)) return false;
    // the hub speaks again: nobody is waiting for the caller's answer until it has been heard
    this.silence.speaking(call.id);
    const samples = await this.speak(text);
    if (call.state !== 'in-progress' || this.transfers.busy(call.id)) return false;
    const clip = call.media.play(samples);
    if (handoff) this.transfers.handoff(call, handoff.transferTo, call.media.whenPlayed(clip));
    return true;
  }

  // --- registration -----------------------------------------------------------------------------------------

  private registerRequest(expires: number): SipMessage {
    const { trunk } = this.config;
    const user = trunk.username ?? digits(this.config.didNumbers[0] as string);
    const aor = `sip:${user}@${trunk.host}`;
    return {
      method: 'REGISTER',
      uri: `sip:${trunk.host}:${trunk.port};transport=${trunk.transport}`,
      headers: {
        to: { uri: aor, params: {} },
        from: { uri: aor, params: { tag: this.registerTag } },
        'call-id': this.registerCallId,
        cseq: { method: 'REGISTER', seq: this.registerCseq++ },
        via: [],
        contact: [{ uri: `sip:${user}@${this.ip}:${this.config.listenPort}`, params: { expires: String(expires) } }],
        expires,
        'max-forwards': 70,
      } as never,
    };
  }

  /** one REGISTER transaction, a digest challenge answered once; the final response */
  private transact(rq: SipMessage): Promise<SipMessage> {
    return new Promise((resolve, reject) => {
      const timeout = this.later(32_000, () =>
        reject(new ChannelError('UNAVAILABLE', 'the trunk did not answer REGISTER')),
      );
      let challenged = false;
      const onResponse = (rs: SipMessage) => {
        if ((rs.status ?? 0) < 200) return;
        if ((rs.status === 401 || rs.status === 407) && !challenged && this.config.password) {
          challenged = true;
          const signed = {
            ...rq,
            headers: { ...rq.headers, via: [], cseq: { method: rq.method as string, seq: this.registerCseq++ } },
          };
          digest.signRequest({}, signed, rs, {
            user: this.config.trunk.username ?? '',
            password: this.config.password,
            ...(this.config.trunk.realm ? { realm: this.config.trunk.realm } : {}),
          });
          this.stack?.send(signed, onResponse);
          return;
        }
        this.cancel(timeout);
        resolve(rs);
      };
      this.stack?.send(rq, onResponse);
    });
  }

  private async register(): Promise<void> {
    const rs = await this.transact(this.registerRequest(3600));
    const status = rs.status ?? 0;
    if (status === 401 || status === 407 || status === 403) {
      const reason = `${status} ${rs.reason ?? ''}`.trim();
      throw new ChannelError(
        'AUTH',
        `the trunk refused our registration (${reason})${this.config.password ? '' : ': no password is set'}`,
      );
    }
    if (status < 200 || status >= 300)
      throw new ChannelError('UNAVAILABLE', `the trunk answered REGISTER with ${status} ${rs.reason ?? ''}`);
    const contact = Array.isArray(rs.headers.contact) ? rs.headers.contact[0] : undefined;
    const granted = Number(contact?.params.expires ?? rs.headers.expires ?? 3600);
    const expires = Number.isFinite(granted) && granted > 0 ? granted : 3600;
    this.registered = true;
    this.ctx.log.info(`registered with ${this.config.trunk.host} for ${expires} s`);
    // refreshed at half the time granted, so a lost REGISTER has time to be repeated (RFC 3261 §10.2.4)
    this.later(Math.max(1, expires / 2) * 1000, () => {
      if (!this.stack) return;
      this.register().catch((error: unknown) =>
        this.fatal?.(error instanceof Error ? error : new Error(String(error))),
      );
    });
  }

  private async unregister(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.transact(this.registerRequest(0)),
      new Promise((r) => (timer = setTimeout(r, 1000))),
    ]).finally(() => clearTimeout(timer));
  }

  // --- transfer (transfer.ts, voicemail.ts) -----------------------------------------------------------------

  private transferHost(): TransferHost {
    return {
      config: this.ctx.config,
      ip: this.ip,
      log: this.ctx.log,
      send: (message, onResponse) => this.stack?.send(message, onResponse),
      reply: (rq, status, reason, extension) => this.reply(rq, status, reason, extension),
      speak: (text) => this.speak(text),
      fromTrunk: (remote) => remote.address === this.trunkAddress,
      offerSdp: (port, sessionId) => this.offerSdp(port, sessionId),
      answerSdp: (session, offer, direction) => this.sdpAnswer(session, offer, direction),
      readOffer: (content) => this.readOffer(content),
      freePort: () => this.freePort(),
      releasePort: (port) => this.usedPorts.delete(port),
      deliver: (call, update, key) => {
        const live = this.calls.get(call.id);
        return live ? this.deliver(live, update, key) : Promise.resolve();
      },
      hangUp: (callId) => void this.hangUp(callId),
      spool: (call, suffix, bytes) => this.spool.write(`${this.spool.callFile(call.id)}-${suffix}.wav`, bytes),
    };
  }
}
