/**
 * @module channel-kit/rtp-media — one call's audio over RTP (RFC 3550) in a worker thread of its own, so that the
 * 20 ms packet clock never waits on the event loop that serves webhooks and the API (and a slow frame never stalls
 * it). The worker owns the call's UDP socket and:
 * - sends a G.711 frame (PCMU/PCMA, 160 samples) every 20 ms with consecutive sequence numbers and a timestamp
 *   advancing by 160 (RFC 3551 §4.5.14), speech when something is being played, silence otherwise, clocked against
 *   the monotonic time so delays do not add up; it counts the frames that left more than 20 ms late;
 * - receives the caller's frames, decodes them and cuts utterances with an energy voice-activity detector
 *   (a frame is speech above `speechRms`; an utterance starts after 3 speech frames, with 200 ms before it, and ends
 *   after `silenceMs` without speech); a packet older than the last one read is dropped (late), a gap is filled with
 *   silence in the recording;
 *   a caller that stops sending (silence suppression) ends an utterance the same way;
 * - reads RFC 4733 telephone-events (a digit once per event timestamp, https://www.rfc-editor.org/rfc/rfc4733#section-2.3);
 * - stops what it plays when the caller starts to speak (barge-in), when asked to;
 * - records both directions, the caller left and the hub right, into one stereo recording handed over at the end;
 * - bridged to another call's worker (a transfer, the hub between the two legs): each decoded frame it receives goes
 *   straight to the other worker over a MessageChannel, and what it sends is the other leg's audio when nothing of
 *   its own is playing — so the recording's hub channel holds the other party too; the voice-activity detector
 *   rests while bridged;
 * - captures what the caller says from a moment on (a voicemail), until a silence or a length limit.
 * The worker's code is CommonJS run with `eval` so it is the same from the built files and from the sources in tests.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { G711_MODULE_PATH, type G711 } from './voice.js';

export interface RtpMediaOptions {
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  codec: G711;
  payloadType: number;
  /** the negotiated telephone-event payload type (RFC 4733), when there is one */
  dtmfPayloadType?: number | undefined;
  /** RMS (0..32768) above which a frame is speech */
  speechRms?: number;
  /** silence that ends an utterance */
  silenceMs?: number;
  /** the longest utterance before it is cut */
  maxUtteranceMs?: number;
  /** the caller's speech stops playback */
  bargeIn?: boolean;
  /** utterances are cut (default); off for a leg whose audio is only relayed */
  listening?: boolean;
}

export interface Utterance {
  /** 8 kHz mono */
  samples: Int16Array;
  /** from the start of the call */
  startMs: number;
  durationMs: number;
  /** mean RMS of its speech frames */
  level: number;
}

export interface MediaStats {
  framesSent: number;
  /** frames sent more than 20 ms after their time */
  lateFrames: number;
  maxLateMs: number;
  packetsReceived: number;
  /** packets dropped as older than the last one read */
  packetsLate: number;
}

export interface MediaEnd {
  /** interleaved stereo at 8 kHz: caller left, hub right */
  recording: Int16Array;
  stats: MediaStats;
}

/** what a capture (a voicemail) took: the caller's audio from its start, and why it stopped */
export interface Captured {
  /** 8 kHz mono, in the order received */
  samples: Int16Array;
  reason: 'silence' | 'length' | 'stopped' | 'ended';
}

export interface RtpMediaEvents {
  utterance(u: Utterance): void;
  dtmf(digit: string): void;
  /** the caller began to speak while something was playing, which stopped */
  bargeIn(): void;
  /** the caller began to speak (playing or not): someone is there, before the utterance is cut */
  speech?(): void;
  /** the clip of this id has been played to its end (or stopped) */
  played(id: number, stopped: boolean): void;
}

const WORKER = String.raw`
const { parentPort, workerData: o } = require('node:worker_threads');
const dgram = require('node:dgram');
const g711 = require(o.g711Path)[o.codec === 'PCMA' ? 'alaw' : 'mulaw'];
const FRAME = 160, TICK = 20;
const SPEECH = o.speechRms, SILENCE_FRAMES = Math.ceil(o.silenceMs / TICK), MAX_FRAMES = Math.ceil(o.maxUtteranceMs / TICK);
const PREROLL = 10, START_FRAMES = 3;
const DIGITS = '0123456789*#ABCD';
const socket = dgram.createSocket('udp4');
let ssrc = (Math.random() * 0x100000000) >>> 0, seq = (Math.random() * 0x10000) & 0xffff, ts = (Math.random() * 0x100000000) >>> 0;
let marker = true;
const queue = []; let current = null; let pos = 0;
const stats = { framesSent: 0, lateFrames: 0, maxLateMs: 0, packetsReceived: 0, packetsLate: 0 };
// recording: growable per-direction buffers, indexed in samples from the start of the call
let left = new Int16Array(8000 * 30), right = new Int16Array(8000 * 30), written = 0;
function ensure(n) {
  if (n <= left.length) return;
  let size = left.length; while (size < n) size *= 2;
  const l = new Int16Array(size); l.set(left); left = l;
  const r = new Int16Array(size); r.set(right); right = r;
}
const start = performance.now(); let tick = 0; let timer = null; let closed = false;
const silence = new Int16Array(FRAME);
// the other leg's audio while bridged: a short FIFO of samples, the oldest dropped past LIVE_MAX so that the delay
// between the two legs cannot grow
let bridge = null; let live = []; let liveLen = 0; const LIVE_MAX = FRAME * 8;
function liveFrame() {
  if (liveLen < FRAME) return null;
  const out = new Int16Array(FRAME); let k = 0;
  while (k < FRAME) {
    const head = live[0]; const n = Math.min(FRAME - k, head.length);
    out.set(head.subarray(0, n), k); k += n;
    if (n === head.length) live.shift(); else live[0] = head.subarray(n);
  }
  liveLen -= FRAME;
  return out;
}
// a voicemail being taken
let capture = null;
function endCapture(reason) {
  if (!capture) return;
  const n = capture.frames.reduce((a, f) => a + f.length, 0);
  const samples = new Int16Array(n); let k = 0; for (const f of capture.frames) { samples.set(f, k); k += f.length; }
  capture = null;
  parentPort.postMessage({ type: 'captured', samples, reason }, [samples.buffer]);
}
function send() {
  let frame = silence;
  if (!current && queue.length) { current = queue.shift(); pos = 0; }
  if (!current && bridge) frame = liveFrame() || silence;
  if (current) {
    frame = current.samples.subarray(pos, pos + FRAME);
    if (frame.length < FRAME) { const f = new Int16Array(FRAME); f.set(frame); frame = f; }
    pos += FRAME;
    if (pos >= current.samples.length) { parentPort.postMessage({ type: 'played', id: current.id, stopped: false }); current = null; }
  }
  const at = tick * FRAME; ensure(at + FRAME); right.set(frame, at); written = Math.max(written, at + FRAME);
  const packet = Buffer.alloc(12 + FRAME);
  packet[0] = 0x80; packet[1] = (marker ? 0x80 : 0) | o.payloadType; marker = false;
  packet.writeUInt16BE(seq, 2); packet.writeUInt32BE(ts >>> 0, 4); packet.writeUInt32BE(ssrc, 8);
  packet.set(g711.encode(frame), 12);
  socket.send(packet, o.remotePort, o.remoteAddress);
  seq = (seq + 1) & 0xffff; ts = (ts + FRAME) >>> 0; stats.framesSent++;
}
function loop() {
  if (closed) return;
  const now = performance.now();
  // frames whose time has come, at most a few at once after a stall (the rest are skipped, as a phone would)
  let due = Math.floor((now - start) / TICK);
  if (due - tick > 5) { tick = due - 5; }
  while (tick <= due) {
    const late = now - (start + tick * TICK);
    if (late > TICK) stats.lateFrames++;
    if (late > stats.maxLateMs) stats.maxLateMs = late;
    send(); tick++;
  }
  // a caller whose phone stops sending while it is quiet (silence suppression, the end of a stream): no packets
  // for as long as the end of speech is silence too
  if (inSpeech && now - lastAudioAt > o.silenceMs) finish();
  if (capture && (now - capture.lastSpeech > capture.silenceMs || now - capture.start > capture.maxMs))
    endCapture(now - capture.start > capture.maxMs ? 'length' : 'silence');
  timer = setTimeout(loop, Math.max(0, start + tick * TICK - performance.now()));
}
// voice activity
let inSpeech = false, speechRun = 0, silenceRun = 0, utterance = [], levels = [], recent = [], uttStart = 0;
function rms(s) { let sum = 0; for (let i = 0; i < s.length; i++) sum += s[i] * s[i]; return Math.sqrt(sum / s.length); }
function finish() {
  const frames = utterance.length - Math.min(silenceRun, utterance.length - 1);
  const used = utterance.slice(0, frames);
  const samples = new Int16Array(used.reduce((n, f) => n + f.length, 0));
  let k = 0; for (const f of used) { samples.set(f, k); k += f.length; }
  const level = levels.length ? levels.reduce((a, b) => a + b, 0) / levels.length : 0;
  parentPort.postMessage({ type: 'utterance', samples, startMs: Math.round(uttStart / 8), durationMs: Math.round(samples.length / 8), level }, [samples.buffer]);
  inSpeech = false; speechRun = 0; silenceRun = 0; utterance = []; levels = [];
}
function vad(frame, at) {
  const level = rms(frame);
  const speech = level >= SPEECH;
  if (!inSpeech) {
    recent.push(frame); if (recent.length > PREROLL) recent.shift();
    speechRun = speech ? speechRun + 1 : 0;
    if (speechRun >= START_FRAMES) {
      inSpeech = true; silenceRun = 0; utterance = recent.slice(); levels = [level]; recent = [];
      parentPort.postMessage({ type: 'speech' });
      uttStart = Math.max(0, at - (utterance.length - 1) * FRAME);
      if (o.bargeIn && (current || queue.length)) {
        if (current) parentPort.postMessage({ type: 'played', id: current.id, stopped: true });
        for (const q of queue) parentPort.postMessage({ type: 'played', id: q.id, stopped: true });
        current = null; queue.length = 0;
        parentPort.postMessage({ type: 'barge-in' });
      }
    }
    return;
  }
  utterance.push(frame);
  if (speech) { silenceRun = 0; levels.push(level); } else silenceRun++;
  if (silenceRun >= SILENCE_FRAMES || utterance.length >= MAX_FRAMES) finish();
}
// reception
let firstTs = null, firstAt = 0, lastSeq = null, lastEventTs = null, lastAudioAt = 0, ssrcIn = null;
socket.on('message', (msg, from) => {
  if (closed || msg.length < 12 || (msg[0] >> 6) !== 2) return;
  // media from the negotiated peer only: anyone else reaching the port could speak or press keys into the call
  if (from.address !== o.remoteAddress) return;
  // a new stream (after hold, a re-INVITE, a media server switch) starts its own sequence and clock: re-anchor
  const source = msg.readUInt32BE(8);
  if (ssrcIn !== source) { ssrcIn = source; lastSeq = null; firstTs = null; }
  const cc = msg[0] & 0x0f, pt = msg[1] & 0x7f;
  let offset = 12 + cc * 4;
  if (msg[0] & 0x10) { if (msg.length < offset + 4) return; offset += 4 + msg.readUInt16BE(offset + 2) * 4; }
  let end = msg.length; if (msg[0] & 0x20) end -= msg[msg.length - 1];
  if (end < offset) return;
  const payload = msg.subarray(offset, end);
  const s = msg.readUInt16BE(2), t = msg.readUInt32BE(4);
  stats.packetsReceived++;
  if (o.dtmfPayloadType !== undefined && pt === o.dtmfPayloadType) {
    // one digit per event: its packets (and the three copies of its end) share the event's timestamp
    if (payload.length >= 4 && payload[0] < 16 && t !== lastEventTs) {
      lastEventTs = t;
      // what was said before the key comes first
      if (inSpeech) finish();
      parentPort.postMessage({ type: 'dtmf', digit: DIGITS[payload[0]] });
    }
    return;
  }
  if (pt !== o.payloadType) return;
  if (lastSeq !== null) {
    const d = (s - lastSeq) & 0xffff;
    if (d === 0 || d > 0x8000) { stats.packetsLate++; return; }
  }
  lastSeq = s; lastAudioAt = performance.now();
  const elapsed = Math.max(0, Math.round((performance.now() - start) * 8));
  if (firstTs === null) { firstTs = t; firstAt = elapsed; }
  let at = firstAt + ((t - firstTs) >>> 0);
  // a timestamp far ahead of the call's own clock (a jump, a forged packet) is re-anchored at now, so no packet can
  // make the recording buffers grow past the call's length
  if (at > elapsed + 8000) { firstTs = t; firstAt = elapsed; at = elapsed; }
  const frame = g711.decode(new Uint8Array(payload));
  if (at + frame.length < 8000 * 3600 * 4) { ensure(at + frame.length); left.set(frame, at); written = Math.max(written, at + frame.length); }
  if (bridge) bridge.postMessage(frame);
  if (capture) { capture.frames.push(frame); if (rms(frame) >= SPEECH) capture.lastSpeech = performance.now(); }
  if (o.listening !== false) vad(frame, at);
});
parentPort.on('message', (m) => {
  if (m.type === 'play') queue.push({ id: m.id, samples: m.samples });
  else if (m.type === 'stop') {
    if (current) parentPort.postMessage({ type: 'played', id: current.id, stopped: true });
    for (const q of queue) parentPort.postMessage({ type: 'played', id: q.id, stopped: true });
    current = null; queue.length = 0;
  } else if (m.type === 'remote') { o.remoteAddress = m.address; o.remotePort = m.port; }
  else if (m.type === 'listen') { o.listening = m.on; if (!m.on && inSpeech) { inSpeech = false; speechRun = 0; silenceRun = 0; utterance = []; levels = []; } }
  else if (m.type === 'bridge') {
    bridge = m.port; live = []; liveLen = 0;
    bridge.on('message', (f) => {
      live.push(f); liveLen += f.length;
      while (liveLen - live[0].length >= LIVE_MAX) liveLen -= live.shift().length;
    });
  } else if (m.type === 'unbridge') { if (bridge) bridge.close(); bridge = null; live = []; liveLen = 0; }
  else if (m.type === 'capture') {
    const now = performance.now();
    capture = { frames: [], start: now, lastSpeech: now, silenceMs: m.silenceMs, maxMs: m.maxMs };
  } else if (m.type === 'capture-stop') endCapture('stopped');
  else if (m.type === 'end') {
    closed = true; clearTimeout(timer);
    endCapture('ended');
    if (bridge) { bridge.close(); bridge = null; }
    if (inSpeech && utterance.length > START_FRAMES) finish();
    const recording = new Int16Array(written * 2);
    for (let i = 0; i < written; i++) { recording[2 * i] = left[i]; recording[2 * i + 1] = right[i]; }
    socket.close();
    parentPort.postMessage({ type: 'end', recording, stats }, [recording.buffer]);
  }
});
socket.on('error', (e) => parentPort.postMessage({ type: 'error', message: String(e && e.message) }));
socket.bind(o.localPort, o.localAddress, () => { parentPort.postMessage({ type: 'ready' }); loop(); });
`;

/** a running media session: audio out, events in, a stereo recording at the end */
export class RtpMedia {
  private readonly worker: Worker;
  private nextId = 1;
  private ended: Promise<MediaEnd> | undefined;
  private readonly ready: Promise<void>;
  private finished = false;
  /** clips whose end someone waits for (whenPlayed) */
  private readonly playing = new Map<number, (stopped: boolean) => void>();
  private capturing: ((c: Captured) => void) | undefined;

  constructor(
    options: RtpMediaOptions,
    private readonly on: RtpMediaEvents,
  ) {
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: {
        g711Path: G711_MODULE_PATH,
        speechRms: 600,
        silenceMs: 700,
        maxUtteranceMs: 30_000,
        bargeIn: true,
        ...options,
      },
    });
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (m: { type: string; message?: string }) => {
        if (m.type === 'ready') resolve();
        if (m.type === 'error') reject(new Error(`RTP socket: ${m.message}`));
      };
      this.worker.on('message', onMessage);
      this.worker.once('error', reject);
      this.worker.once('exit', () => reject(new Error('the media worker ended before it was ready')));
    });
    this.worker.on('message', (m: Record<string, unknown>) => {
      if (m.type === 'utterance')
        this.on.utterance({
          samples: m.samples as Int16Array,
          startMs: m.startMs as number,
          durationMs: m.durationMs as number,
          level: m.level as number,
        });
      else if (m.type === 'dtmf') this.on.dtmf(m.digit as string);
      else if (m.type === 'barge-in') this.on.bargeIn();
      else if (m.type === 'speech') this.on.speech?.();
      else if (m.type === 'played') {
        this.playing.get(m.id as number)?.(m.stopped as boolean);
        this.playing.delete(m.id as number);
        this.on.played(m.id as number, m.stopped as boolean);
      } else if (m.type === 'captured') {
        const done = this.capturing;
        this.capturing = undefined;
        done?.({ samples: m.samples as Int16Array, reason: m.reason as Captured['reason'] });
      }
    });
    // a worker gone (ended, killed) plays nothing more and captures nothing more: whoever waits is answered
    this.worker.once('exit', () => {
      for (const resolve of this.playing.values()) resolve(true);
      this.playing.clear();
      this.capturing?.({ samples: new Int16Array(0), reason: 'ended' });
      this.capturing = undefined;
    });
    // a failing worker is not to bring the process down: the call it carried ends with it
    this.worker.on('error', () => undefined);
  }

  /** resolves once the RTP socket is bound and the clock runs */
  start(): Promise<void> {
    return this.ready;
  }

  /** queues 8 kHz mono samples for playback; returns the clip's id */
  play(samples: Int16Array): number {
    const id = this.nextId++;
    const copy = samples.slice();
    this.worker.postMessage({ type: 'play', id, samples: copy }, [copy.buffer]);
    return id;
  }

  /** resolves when the clip has been played to its end (false) or was stopped (true) */
  whenPlayed(id: number): Promise<boolean> {
    return new Promise((resolve) => this.playing.set(id, resolve));
  }

  /** whether the caller's speech is cut into utterances (off while bridged or taking a voicemail) */
  listen(on: boolean): void {
    this.worker.postMessage({ type: 'listen', on });
  }

  /**
   * the two calls' audio goes straight from one worker to the other (no hop through this thread): each hears the
   * other wherever it plays nothing of its own, and each recording keeps the other party on its hub channel
   */
  bridge(other: RtpMedia): void {
    const { port1, port2 } = new MessageChannel();
    this.listen(false);
    other.listen(false);
    this.worker.postMessage({ type: 'bridge', port: port1 }, [port1]);
    other.worker.postMessage({ type: 'bridge', port: port2 }, [port2]);
  }

  unbridge(): void {
    this.worker.postMessage({ type: 'unbridge' });
  }

  /**
   * the caller's audio from now on, until `silenceMs` without speech (the level of speechRms), `maxMs` in all,
   * stopCapture() or the end of the call
   */
  capture(limits: { silenceMs: number; maxMs: number }): Promise<Captured> {
    this.capturing?.({ samples: new Int16Array(0), reason: 'stopped' });
    const done = new Promise<Captured>((resolve) => (this.capturing = resolve));
    this.worker.postMessage({ type: 'capture', silenceMs: limits.silenceMs, maxMs: limits.maxMs });
    return done;
  }

  stopCapture(): void {
    this.worker.postMessage({ type: 'capture-stop' });
  }

  stopPlayback(): void {
    this.worker.postMessage({ type: 'stop' });
  }

  /** a re-INVITE moved the caller's media */
  retarget(address: string, port: number): void {
    this.worker.postMessage({ type: 'remote', address, port });
  }

  /** stops the clock and the socket; the recording and the figures of the call */
  end(): Promise<MediaEnd> {
    if (this.ended) return this.ended;
    this.ended = new Promise<MediaEnd>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error('the media worker did not end in time')), 5_000);
      this.worker.on('message', (m: { type: string; recording?: Int16Array; stats?: MediaStats }) => {
        if (m.type !== 'end') return;
        clearTimeout(timeout);
        this.finished = true;
        resolve({ recording: m.recording as Int16Array, stats: m.stats as MediaStats });
        void this.worker.terminate();
      });
      this.worker.once('exit', () => {
        clearTimeout(timeout);
        if (!this.finished) reject(new Error('the media worker ended without its recording'));
      });
      this.worker.postMessage({ type: 'end' });
    });
    return this.ended;
  }

  /** ends the worker without waiting for a recording (the connection stops) */
  async kill(): Promise<void> {
    await this.worker.terminate();
  }
}
