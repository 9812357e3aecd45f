/**
 * @module channels/sip/silence — a caller who says nothing is asked again, then let go: once what the hub said has
 * been played and nothing is heard for `silenceRepromptSeconds`, the caller hears "Are you still there?"; three
 * silences in a row end the call after "Goodbye." — what Twilio Voice's `<Gather>` timeout does on the other voice
 * channel (channels/twilio-voice/twiml.ts `listen`), so the two lines treat a silent caller alike. Speech starting,
 * a key, or the hub speaking again stops the watch; while a call is being transferred it is not the agent's, and
 * nothing is watched.
 */
export const MAX_SILENCES = 3;
export const STILL_THERE = 'Are you still there?';
export const GOODBYE = 'Goodbye.';

export interface SilenceHost {
  later(ms: number, run: () => void): NodeJS.Timeout;
  cancel(timer: NodeJS.Timeout | undefined): void;
  /** whether the call is live, answered by the agent (not ended, not being transferred) */
  listening(callId: string): boolean;
  /** the words spoken on the call: the clip's id, undefined when the call cannot play them */
  speak(callId: string, text: string): Promise<number | undefined>;
  /** the hub hangs up: the caller said nothing three times */
  hangUp(callId: string, cause: string): void;
}

interface Watch {
  timer?: NodeJS.Timeout;
  silences: number;
  /** the clip of the last "Goodbye.": its end hangs up */
  goodbye?: number;
}

export class SilenceWatch {
  private readonly calls = new Map<string, Watch>();

  constructor(
    private readonly host: SilenceHost,
    /** the silence that asks again; 0: never */
    private readonly afterMs: () => number,
  ) {}

  private of(callId: string): Watch {
    let w = this.calls.get(callId);
    if (!w) this.calls.set(callId, (w = { silences: 0 }));
    return w;
  }

  /** a clip ended: played to its end (not cut by the caller), the hub listens and the watch starts */
  played(callId: string, clip: number, stopped: boolean): void {
    const w = this.of(callId);
    if (w.goodbye === clip) return this.host.hangUp(callId, `the caller said nothing ${MAX_SILENCES} times`);
    const after = this.afterMs();
    if (stopped || after <= 0 || !this.host.listening(callId)) return;
    this.host.cancel(w.timer);
    w.timer = this.host.later(after, () => void this.silent(callId));
  }

  /** the caller spoke or pressed a key: an answer, the count starts again */
  heard(callId: string): void {
    const w = this.calls.get(callId);
    if (!w) return;
    this.host.cancel(w.timer);
    w.timer = undefined;
    w.silences = 0;
  }

  /** the hub is about to say something else (an agent's reply): nobody waits for the caller meanwhile */
  speaking(callId: string): void {
    const w = this.calls.get(callId);
    if (!w) return;
    this.host.cancel(w.timer);
    w.timer = undefined;
  }

  ended(callId: string): void {
    this.host.cancel(this.calls.get(callId)?.timer);
    this.calls.delete(callId);
  }

  private async silent(callId: string): Promise<void> {
    const w = this.calls.get(callId);
    if (!w || !this.host.listening(callId)) return;
    w.timer = undefined;
    w.silences += 1;
    if (w.silences >= MAX_SILENCES) {
      w.goodbye = await this.host.speak(callId, GOODBYE);
      if (w.goodbye === undefined) this.host.hangUp(callId, `the caller said nothing ${MAX_SILENCES} times`);
      return;
    }
    await this.host.speak(callId, STILL_THERE);
  }
}
