/**
 * @module web/conversation/CallView: a phone call's session — the header (direction, numbers, duration running
 * while live, outcome), the full recording with a player and a download, and the transcript as bubbles by speaker
 * (caller / agent / operator), each with a play button for its own audio when it has one (a voicemail, the
 * operator's recorded part). Calls and their states arrive live as call.started / call.updated / call.ended.
 */
import { useEffect, useRef, useState } from 'react';
import type { Call, ConnectionType, Message } from '../../../sdk/src/index.ts';
import { addressLabel, fullTime, shortTime } from '../format.ts';
import { Icon } from '../icons.tsx';
import './call.css';

export type Speaker = 'caller' | 'agent' | 'operator';

/** a channel whose conversations are phone calls: its connector places calls (twilio-voice, sip) */
export function isCallChannel(types: Map<string, ConnectionType>, type: string | undefined): boolean {
  return type !== undefined && (types.get(type)?.features ?? []).includes('calls');
}

export const isLiveCall = (c: Pick<Call, 'state'>): boolean => c.state === 'ringing' || c.state === 'in-progress';

interface RecordingMeta {
  source?: string;
  operator?: string;
  durationSeconds?: number;
  channels?: number;
}
export const recordingOf = (m: Message): RecordingMeta | undefined =>
  m.content.type === 'audio' ? (m.metadata.recording as RecordingMeta | undefined) : undefined;

/** the whole call's recording (not a voicemail, not the operator's part): shown in the header, not as a bubble */
export const isCallRecording = (m: Message): boolean => recordingOf(m)?.source === 'call';

/** who said it: the caller (and their voicemail), the agent's spoken replies, an operator (typed, or their recorded part) */
export function speakerOf(m: Message): Speaker {
  if (recordingOf(m)?.source === 'transfer') return 'operator';
  if (m.direction === 'inbound') return 'caller';
  if (typeof m.metadata.agentId === 'string' && m.metadata.agentId) return 'agent';
  return typeof m.metadata.operatorId === 'string' ? 'operator' : 'agent';
}

/** seconds talked: the stored duration once ended; while live, since the answer */
export function callSeconds(c: Call, now: number): number {
  if (c.durationSeconds !== null && c.endedAt) return c.durationSeconds;
  if (!c.answeredAt) return 0;
  return Math.max(0, Math.round((now - Date.parse(c.answeredAt)) / 1000));
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

const OUTCOMES: Record<string, string> = {
  ringing: 'Ringing',
  'in-progress': 'In progress',
  completed: 'Completed',
  busy: 'Busy',
  'no-answer': 'No answer',
  failed: 'Failed',
  canceled: 'Canceled',
};

/** the outcome in words: the state, and who answered when the provider told (an answering machine) */
export function outcomeLabel(c: Call): string {
  const state = OUTCOMES[c.state] ?? c.state;
  if (c.answeredBy === 'machine') return `${state} · answering machine`;
  return state;
}

/** calls by id, a later copy replacing an earlier one only when it is not older (events may overtake the list) */
export function mergeCall(list: Call[], incoming: Call): Call[] {
  const known = list.find((c) => c.id === incoming.id);
  if (known && known.updatedAt > incoming.updatedAt) return list;
  return [...list.filter((c) => c.id !== incoming.id), incoming].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

function PlayGlyph({ playing }: { playing: boolean }) {
  return (
    <svg viewBox="0 0 24 24" width={14} height={14} aria-hidden="true" focusable="false">
      {playing ? (
        <path d="M7 5h3v14H7zM14 5h3v14h-3z" fill="currentColor" />
      ) : (
        <path d="M7 4l13 8-13 8z" fill="currentColor" />
      )}
    </svg>
  );
}

/** plays one audio segment in place (one player per bubble, made when first pressed) */
export function PlayButton({ url, label }: { url: string; label: string }) {
  const audio = useRef<HTMLAudioElement | null>(null);
  const [playing, setPlaying] = useState(false);
  useEffect(
    () => () => {
      audio.current?.pause();
    },
    [],
  );
  const toggle = () => {
    if (!audio.current) {
      const a = new Audio(url);
      a.addEventListener('ended', () => setPlaying(false));
      a.addEventListener('pause', () => setPlaying(false));
      a.addEventListener('play', () => setPlaying(true));
      audio.current = a;
    }
    const a = audio.current;
    if (a.paused) void a.play().catch(() => setPlaying(false));
    else a.pause();
  };
  return (
    <button
      type="button"
      className="play-button"
      onClick={toggle}
      aria-label={`${playing ? 'Pause' : 'Play'} ${label}`}
      aria-pressed={playing}
      data-audio={url}
    >
      <PlayGlyph playing={playing} />
    </button>
  );
}

interface Props {
  calls: Call[];
  /** the whole call's recording, once the provider posted it */
  recording: Message | undefined;
}

/** the call's header: one row per call of the session (usually one), then the recording */
export function CallHeader({ calls, recording }: Props) {
  const live = calls.some(isLiveCall);
  const now = useNow(live);
  const media =
    recording && recording.content.type === 'audio'
      ? (recording.content.media as { url: string; state?: string; fileName?: string })
      : undefined;
  return (
    <section className="call-head" aria-label="Call">
      {calls.map((c) => (
        <div
          key={c.id}
          className={`call-row ${isLiveCall(c) ? 'call-live' : ''}`}
          data-call={c.id}
          data-state={c.state}
        >
          <span className="call-direction">
            <Icon name="phone" size={14} /> {c.direction === 'inbound' ? 'Incoming call' : 'Outgoing call'}
          </span>
          <span className="call-numbers">
            <span title="From">{addressLabel(c.from)}</span>
            <span aria-hidden="true"> → </span>
            <span className="sr-only"> to </span>
            <span title="To">{addressLabel(c.to)}</span>
          </span>
          <span className="call-duration" aria-label="Duration" title={`Started ${fullTime(c.startedAt)}`}>
            {formatDuration(callSeconds(c, now))}
          </span>
          {isLiveCall(c) ? (
            <span className="live-marker" role="status">
              <span className="live-dot" aria-hidden="true" /> Live
            </span>
          ) : (
            <span className={`call-outcome outcome-${c.state}`} title={c.hangupCause ?? undefined}>
              {outcomeLabel(c)}
            </span>
          )}
        </div>
      ))}
      {media && media.state === 'ready' && (
        <div className="call-recording">
          <span className="call-recording-label">Recording</span>
          <audio className="call-audio" controls preload="metadata" src={media.url} aria-label="Call recording" />
          <a className="media-download" href={media.url} download={media.fileName ?? 'call.wav'}>
            <Icon name="download" /> <span>Download</span>
          </a>
        </div>
      )}
      {media && media.state === 'pending' && (
        <p className="media-state">
          <Icon name="clock" /> Fetching the recording…
        </p>
      )}
    </section>
  );
}

const SPEAKER_LABEL: Record<Speaker, string> = { caller: 'Caller', agent: 'Agent', operator: 'Operator' };

/**
 * what the caller heard of a reply: numbered options are keys to press on the phone (the connector speaks "Press 1
 * for …" where a text channel reads "Reply 1 for …")
 */
export const heardText = (text: string): string => text.replace(/^Reply (\d{1,2}) for /gm, 'Press $1 for ');

/** one turn of the transcript: what was said (or pressed), who said it, its audio when there is some */
export function CallTurn({ message: m, outbound = false }: { message: Message; outbound?: boolean }) {
  const speaker = speakerOf(m);
  const rec = recordingOf(m);
  const media =
    m.content.type === 'audio' ? (m.content.media as { url: string; state?: string; caption?: string }) : undefined;
  const dtmf = typeof m.metadata.dtmf === 'string' ? m.metadata.dtmf : undefined;
  const isTranscript = m.metadata.voicemail !== undefined;
  const confidence = typeof m.metadata.confidence === 'number' ? m.metadata.confidence : undefined;
  const name =
    speaker === 'agent' && typeof m.metadata.agentName === 'string' && m.metadata.agentName
      ? m.metadata.agentName
      : speaker === 'operator' && rec?.operator
        ? `Operator ${addressLabel(rec.operator)}`
        : speaker === 'caller' && outbound
          ? 'Customer'
          : SPEAKER_LABEL[speaker];
  let body;
  if (media) {
    const what =
      rec?.source === 'voicemail'
        ? 'Voicemail'
        : rec?.source === 'transfer'
          ? "The operator's part"
          : (media.caption ?? 'Audio');
    body = (
      <span className="msg-text call-audio-turn">
        {media.state === 'ready' ? (
          <PlayButton url={media.url} label={what.toLowerCase()} />
        ) : (
          <Icon name="clock" size={14} />
        )}
        <span>
          {what}
          {rec?.durationSeconds !== undefined && <small> {formatDuration(rec.durationSeconds)}</small>}
        </span>
      </span>
    );
  } else if (dtmf) {
    body = (
      <span className="msg-text">
        <span className="chip" title="Keys pressed">
          Pressed {dtmf}
        </span>
      </span>
    );
  } else {
    const said = m.content.type === 'text' ? (m.content.text as string) : `[${m.content.type}]`;
    const text = m.direction === 'outbound' ? heardText(said) : said;
    body = (
      <span className="msg-text">
        {isTranscript && <span className="msg-context">Voicemail transcript</span>}
        {text}
      </span>
    );
  }
  return (
    <li
      className={`msg ${speaker === 'caller' ? 'inbound' : 'outbound'} call-turn speaker-${speaker}`}
      data-message={m.id}
      data-speaker={speaker}
      data-type={m.content.type}
    >
      <span className="call-speaker">{name}</span>
      {body}
      <span className="msg-meta">
        {confidence !== undefined && (
          <span className="call-confidence" title="Speech recognition confidence">
            {Math.round(confidence * 100)}%
          </span>
        )}
        <time dateTime={m.timestamp} title={fullTime(m.timestamp)}>
          {shortTime(m.timestamp)}
        </time>
      </span>
    </li>
  );
}
