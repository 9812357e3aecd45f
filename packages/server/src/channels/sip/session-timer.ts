/**
 * @module channels/sip/session-timer — session timers (RFC 4028): a call whose other end vanished (a crashed
 * carrier, a lost BYE) would hold a port, a media thread and the agent forever; with a session interval, one side
 * refreshes the session (a re-INVITE or UPDATE) and the other hangs up when no refresh came in time.
 * - as UAS: an INVITE's `Session-Expires` (compact `x`) below our Min-SE is refused 422 with our `Min-SE` (§9);
 *   otherwise the 2xx carries `Session-Expires: <interval>;refresher=<uac|uas>` — the caller's choice when it made
 *   one, `uac` when it supports timers and did not, `uas` (us) when it does not support them (§9) — with
 *   `Require: timer` when the caller supports them (§9);
 * - as UAC: our INVITE offers `Session-Expires` and `Min-SE` with `Supported: timer` (§7.1); a 422 is answered once
 *   with the interval it asks (§7.3); the 2xx says who refreshes (§7.2);
 * - the refresher refreshes at half the interval (§10) with a re-INVITE carrying the session's SDP unchanged;
 *   the other side sends BYE at the interval minus the lesser of 32 s and a third of it when no refresh came (§10);
 *   a refresh answered 408 or 481 ends the call (§10).
 * https://www.rfc-editor.org/rfc/rfc4028
 */
import type { SipAddress, SipMessage } from './sip-stack.js';

/** the smallest interval RFC 4028 §4 allows anyone to ask for */
export const RFC_MIN_SE = 90;

export type Refresher = 'uac' | 'uas';

export interface SessionInterval {
  expires: number;
  refresher?: Refresher | undefined;
}

/** the parts of a call a session timer reads: its dialog, its next CSeq, the SDP it runs on */
export interface TimedCall {
  id: string;
  sipCallId: string;
  direction: 'inbound' | 'outbound';
  state: string;
  dialog?: { local: SipAddress; remote: SipAddress; target: string; routes: SipAddress[] } | undefined;
  cseq: number;
  localSdp?: string | undefined;
}

export interface SessionTimerHost {
  later(ms: number, run: () => void): NodeJS.Timeout;
  cancel(timer: NodeJS.Timeout | undefined): void;
  send(rq: SipMessage, onResponse?: (rs: SipMessage) => void): void;
  /** BYE, and the call ends failed with the reason */
  hangUp(call: TimedCall, cause: string): void;
  /** our Contact in the call's dialog */
  contact(call: TimedCall): string;
  /** what the session timers may use: our Min-SE and the interval we offer */
  settings(): { minSe: number; expires: number };
}

const header = (headers: SipMessage['headers'], name: string): string | undefined => {
  const value = headers[name];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
};

/** `Session-Expires: 1800;refresher=uac` (or its compact form `x`), when it is well formed */
export function readSessionExpires(headers: SipMessage['headers']): SessionInterval | undefined {
  const raw = header(headers, 'session-expires') ?? header(headers, 'x');
  const match = raw ? /^\s*(\d{1,10})\s*((?:;[^;]*)*)$/.exec(raw) : null;
  if (!match) return undefined;
  const expires = Number(match[1]);
  const refresher = /;\s*refresher\s*=\s*(uac|uas)\b/i.exec(match[2] ?? '')?.[1]?.toLowerCase() as
    Refresher | undefined;
  return { expires, refresher };
}

export function readMinSe(headers: SipMessage['headers']): number | undefined {
  const match = /^\s*(\d{1,10})/.exec(header(headers, 'min-se') ?? '');
  return match ? Number(match[1]) : undefined;
}

/** whether a header listing option tags (Supported, Require; compact `k`) names `timer` */
export function supportsTimer(headers: SipMessage['headers']): boolean {
  const value = [header(headers, 'supported'), header(headers, 'require')].filter(Boolean).join(',');
  return value.split(',').some((tag) => tag.trim().toLowerCase() === 'timer');
}

export type UasVerdict =
  | { kind: 'none' }
  | { kind: 'too-small'; headers: Record<string, string> }
  | { kind: 'timer'; interval: Required<SessionInterval>; headers: Record<string, string> };

/** what we answer a request (INVITE, re-INVITE, UPDATE) as UAS about its session interval (RFC 4028 §9) */
export function uasVerdict(rq: SipMessage, ours: { minSe: number }): UasVerdict {
  const asked = readSessionExpires(rq.headers);
  if (!asked) return { kind: 'none' };
  if (asked.expires < ours.minSe) return { kind: 'too-small', headers: { 'min-se': String(ours.minSe) } };
  const supported = supportsTimer(rq.headers);
  // a caller without timer support cannot refresh: we must (§9); one with it refreshes unless it chose us
  const refresher: Refresher = supported ? (asked.refresher ?? 'uac') : 'uas';
  return {
    kind: 'timer',
    interval: { expires: asked.expires, refresher },
    headers: {
      'session-expires': `${asked.expires};refresher=${refresher}`,
      ...(supported ? { require: 'timer' } : {}),
    },
  };
}

/** the headers of our INVITE offering a session interval (RFC 4028 §7.1) */
export function uacOffer(expires: number, minSe: number): Record<string, string> {
  return { supported: 'timer', 'session-expires': String(expires), 'min-se': String(minSe) };
}

interface Running {
  timer?: NodeJS.Timeout | undefined;
  interval: Required<SessionInterval>;
}

export class SessionTimers {
  private readonly running = new WeakMap<TimedCall, Running>();

  constructor(private readonly host: SessionTimerHost) {}

  /** the session interval agreed for the call (an answer, a refresh): its timer starts over */
  start(call: TimedCall, interval: Required<SessionInterval>): void {
    this.stop(call);
    const ours = (call.direction === 'inbound' ? 'uas' : 'uac') === interval.refresher;
    const state: Running = { interval };
    this.running.set(call, state);
    if (ours) {
      state.timer = this.host.later((interval.expires * 1000) / 2, () => this.refresh(call, state));
      return;
    }
    const margin = Math.min(32, interval.expires / 3);
    state.timer = this.host.later((interval.expires - margin) * 1000, () => {
      if (this.running.get(call) !== state || call.state !== 'in-progress') return;
      this.running.delete(call);
      this.host.hangUp(call, `the session expired without a refresh (${interval.expires} s, RFC 4028)`);
    });
  }

  stop(call: TimedCall): void {
    const state = this.running.get(call);
    if (!state) return;
    this.host.cancel(state.timer);
    this.running.delete(call);
  }

  /** our refresh: a re-INVITE in the dialog with the session's SDP as it is (RFC 4028 §7.4, RFC 3264 §8) */
  private refresh(call: TimedCall, state: Running, expires = state.interval.expires, retried = false): void {
    const d = call.dialog;
    if (this.running.get(call) !== state || call.state !== 'in-progress' || !d) return;
    const { minSe } = this.host.settings();
    const seq = ++call.cseq;
    const routes = d.routes.length ? { route: d.routes.map((r) => ({ ...r })) } : {};
    const rq: SipMessage = {
      method: 'INVITE',
      uri: d.target,
      headers: {
        to: d.remote,
        from: d.local,
        'call-id': call.sipCallId,
        cseq: { method: 'INVITE', seq },
        via: [],
        contact: [{ uri: this.host.contact(call), params: {} }],
        ...routes,
        'max-forwards': 70,
        supported: 'timer',
        'session-expires': `${expires};refresher=${state.interval.refresher}`,
        'min-se': String(minSe),
        ...(call.localSdp ? { 'content-type': 'application/sdp' } : {}),
      } as never,
      ...(call.localSdp ? { content: call.localSdp } : {}),
    };
    this.host.send(rq, (rs) => {
      const status = rs.status ?? 0;
      if (status < 200 || this.running.get(call) !== state) return;
      if (status < 300) {
        // a 2xx to our INVITE is ours to acknowledge (RFC 3261 §13.2.2.4)
        this.host.send({
          method: 'ACK',
          uri: d.target,
          headers: {
            to: d.remote,
            from: d.local,
            'call-id': call.sipCallId,
            cseq: { method: 'ACK', seq },
            via: [],
            ...routes,
          },
        });
        const agreed = readSessionExpires(rs.headers);
        this.start(call, {
          expires: agreed?.expires ?? expires,
          refresher: agreed?.refresher ?? state.interval.refresher,
        });
        return;
      }
      if (status === 422 && !retried) {
        const wanted = Math.max(readMinSe(rs.headers) ?? expires, expires);
        return this.refresh(call, state, wanted, true);
      }
      if (status === 408 || status === 481) {
        this.running.delete(call);
        return this.host.hangUp(call, `the session refresh was answered ${status} (RFC 4028 §10)`);
      }
      // any other refusal leaves the session as it was: it ends when its interval runs out
      const margin = Math.min(32, expires / 3);
      state.timer = this.host.later(Math.max(1, expires / 2 - margin) * 1000, () => {
        if (this.running.get(call) !== state || call.state !== 'in-progress') return;
        this.running.delete(call);
        this.host.hangUp(call, `the session could not be refreshed (${status})`);
      });
    });
  }
}
