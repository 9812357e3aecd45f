/**
 * @module web/conversation/Composer: writes a reply — text, an attachment (uploaded to POST /media first, then sent
 * as image/audio/video/document content with the text as caption) and reply buttons. Attachments are offered only
 * where the channel's capabilities (GET /connection-types) say it can carry them; buttons and long text go
 * everywhere, and the hub degrades them (numbered text, ordered parts): the composer shows the hub's own preview
 * of what the customer will receive (POST /conversations/{id}/preview) under the input.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Content, Conversation, DeliveryPreview, Message } from '../../../sdk/src/index.ts';
/** the content types that carry a file */
type MediaType = Extract<Content, { media: unknown }>['type'];
import { capabilitiesOf, isMailChannel, useApp } from '../app-context.ts';
import { errorText, fileSize } from '../format.ts';
import { Icon } from '../icons.tsx';

const MEDIA_TYPES = ['image', 'audio', 'video', 'document'] as const;

/** the content type a file goes out as on this channel, or undefined when it cannot carry it */
export function mediaTypeFor(mimeType: string, outbound: string[]): MediaType | undefined {
  const natural: MediaType =
    mimeType.startsWith('image/') && /png|jpeg|gif|webp/.test(mimeType)
      ? 'image'
      : mimeType.startsWith('audio/')
        ? 'audio'
        : mimeType.startsWith('video/')
          ? 'video'
          : 'document';
  if (outbound.includes(natural)) return natural;
  return outbound.includes('document') ? 'document' : undefined;
}

/** "a@x.example, b@y.example; c@z.example" → the addresses, for a mail reply's cc */
export function ccList(text: string): string[] {
  return text
    .split(/[,;\s]+/)
    .map((a) => a.trim())
    .filter(Boolean);
}

/** buttons offered in the composer where the channel has fewer (or none): the hub sends them as numbered text */
const MAX_DEGRADED_BUTTONS = 10;
/** the text the API accepts (TextContentSchema); longer than the channel's limit is split by the hub */
const MAX_TEXT = 65536;

/** the content a draft of text and button titles is (no attachment); undefined for an empty draft */
export function draftContent(text: string, buttons: readonly string[] | null): Content | undefined {
  const t = text.trim();
  const titles = (buttons ?? []).map((b) => b.trim()).filter(Boolean);
  if (titles.length > 0 && t)
    return {
      type: 'interactive',
      interactive: { kind: 'buttons', text: t, buttons: titles.map((title, i) => ({ id: `btn-${i + 1}`, title })) },
    };
  return t ? { type: 'text', text: t } : undefined;
}

/** "UCS-2 · 2 segments (67 characters each) · 80 / 1600": an SMS draft's encoding and cost as the operator types */
export function segmentsText(preview: Pick<DeliveryPreview, 'segments' | 'maxTextLength'>, length: number): string {
  const s = preview.segments;
  if (!s) return '';
  const parts = `${s.count} segment${s.count === 1 ? '' : 's'} (${s.perSegment} characters each)`;
  return `${s.encoding} · ${parts}${preview.maxTextLength ? ` · ${length} / ${preview.maxTextLength}` : ''}`;
}

interface DeliveryNote {
  note: string;
  /** on SMS channels: the encoding and segments of the draft */
  segments: string;
}

/** the hub's note on how a draft will arrive ("On SMS the buttons arrive as numbered text options."), debounced */
function useDeliveryNote(conversationId: string, draft: Content | undefined): DeliveryNote {
  const { client } = useApp();
  const [note, setNote] = useState<DeliveryNote>({ note: '', segments: '' });
  const key = draft ? JSON.stringify(draft) : '';
  useEffect(() => {
    if (!key) {
      setNote({ note: '', segments: '' });
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      client
        .previewDelivery(conversationId, JSON.parse(key) as Content)
        .then((p) => {
          const first = p.parts[0];
          const length = first && first.type === 'text' ? first.text.length : 0;
          if (current) setNote({ note: p.note, segments: segmentsText(p, length) });
        })
        .catch(() => current && setNote({ note: '', segments: '' }));
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, conversationId, key]);
  return note;
}

export function Composer({ conversation, onSent }: { conversation: Conversation; onSent: (m: Message) => void }) {
  const { client, types } = useApp();
  const caps = capabilitiesOf(types, conversation.channelType);
  const canAttach = MEDIA_TYPES.some((t) => caps.outbound.includes(t));
  // real buttons where the channel has them, numbered text options elsewhere (the note says so)
  const canButtons = caps.outbound.includes('text') || (caps.buttons > 0 && caps.outbound.includes('interactive'));
  const maxButtons = Math.max(caps.outbound.includes('interactive') ? caps.buttons : 0, MAX_DEGRADED_BUTTONS);
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [buttons, setButtons] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  // mail: addresses in copy of this reply, comma-separated
  const isMail = isMailChannel(types, conversation.channelType);
  const [cc, setCc] = useState('');
  // a provider that is itself an inbox (Intercom) takes internal notes its teammates see, not the customer
  const canNote = types.get(conversation.channelType)?.features.includes('internalNotes') === true;
  const [asNote, setAsNote] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);
  const lastTyping = useRef(0);
  const { note, segments } = useDeliveryNote(conversation.id, file ? undefined : draftContent(text, buttons));

  const typing = () => {
    if (Date.now() - lastTyping.current < 4000) return;
    lastTyping.current = Date.now();
    client.request('POST', `/conversations/${encodeURIComponent(conversation.id)}/typing`).catch(() => undefined);
  };

  const build = async (): Promise<Content | undefined> => {
    const t = text.trim();
    if (file) {
      const type = mediaTypeFor(file.type || 'application/octet-stream', caps.outbound);
      if (!type) throw new Error(`${conversation.channelType} cannot send this kind of file`);
      if (caps.maxMediaBytes && file.size > caps.maxMediaBytes)
        throw new Error(`the file is larger than ${fileSize(caps.maxMediaBytes)}, the most this channel takes`);
      const a = await client.uploadMedia(file, file.name);
      return {
        type,
        media: { url: a.url, mimeType: a.mimeType, fileName: file.name, size: a.size, ...(t ? { caption: t } : {}) },
      };
    }
    if ((buttons ?? []).some((b) => b.trim()) && !t) throw new Error('write the text the buttons answer');
    return draftContent(text, buttons);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    setBusy(true);
    try {
      const content = await build();
      if (!content) return;
      const copies = ccList(cc);
      onSent(
        await client.send(conversation.id, {
          content,
          ...(isMail && copies.length > 0 ? { cc: copies } : {}),
          ...(canNote && asNote ? { metadata: { internalNote: true } } : {}),
        }),
      );
      setText('');
      setAsNote(false);
      setCc('');
      setFile(null);
      setButtons(null);
      if (fileRef.current) fileRef.current.value = '';
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const ready = !busy && (!!file || !!text.trim());
  return (
    <form className="composer" onSubmit={(e) => void submit(e)} aria-label="Reply">
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {file && (
        <p className="attachment-chip">
          <Icon name="file" /> <span>{file.name}</span> <small>{fileSize(file.size)}</small>
          <button
            type="button"
            className="icon-button"
            aria-label={`Remove attachment ${file.name}`}
            onClick={() => {
              setFile(null);
              if (fileRef.current) fileRef.current.value = '';
            }}
          >
            <Icon name="close" />
          </button>
        </p>
      )}
      {buttons && (
        <fieldset className="button-editor">
          <legend>Reply buttons (up to {maxButtons})</legend>
          {buttons.map((b, i) => (
            <span key={i} className="row">
              <label className="sr-only" htmlFor={`button-${i}`}>
                Button {i + 1}
              </label>
              <input
                id={`button-${i}`}
                value={b}
                maxLength={20}
                placeholder={`Button ${i + 1}`}
                onChange={(e) => setButtons(buttons.map((x, j) => (j === i ? e.target.value : x)))}
              />
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove button ${i + 1}`}
                onClick={() => setButtons(buttons.length > 1 ? buttons.filter((_, j) => j !== i) : null)}
              >
                <Icon name="close" />
              </button>
            </span>
          ))}
          {buttons.length < maxButtons && (
            <button type="button" onClick={() => setButtons([...buttons, ''])}>
              <Icon name="plus" /> Add a button
            </button>
          )}
        </fieldset>
      )}
      {isMail && (
        <p className="composer-cc">
          <label htmlFor="composer-cc">Cc</label>
          <input
            id="composer-cc"
            type="text"
            inputMode="email"
            autoComplete="off"
            placeholder="colleague@example.com, …"
            value={cc}
            onChange={(e) => setCc(e.target.value)}
          />
        </p>
      )}
      {canNote && (
        <label className="composer-note">
          <input type="checkbox" checked={asNote} onChange={(e) => setAsNote(e.target.checked)} />
          Internal note (only teammates in the {types.get(conversation.channelType)?.displayName ?? 'provider'} inbox
          see it)
        </label>
      )}
      <div className="composer-row">
        {canAttach && (
          <>
            <input
              ref={fileRef}
              id="composer-file"
              type="file"
              className="sr-only"
              tabIndex={-1}
              aria-hidden="true"
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setButtons(null);
              }}
            />
            <button
              type="button"
              className="icon-button"
              aria-label="Attach file"
              title="Attach file"
              onClick={() => fileRef.current?.click()}
              disabled={busy}
            >
              <Icon name="attach" size={18} />
            </button>
          </>
        )}
        {canButtons && !file && (
          <button
            type="button"
            className="icon-button"
            aria-label="Add reply buttons"
            title="Add reply buttons"
            aria-pressed={!!buttons}
            onClick={() => setButtons(buttons ? null : [''])}
            disabled={busy}
          >
            <Icon name="buttons" size={18} />
          </button>
        )}
        <label htmlFor="composer-input" className="sr-only">
          Message
        </label>
        <input
          id="composer-input"
          autoComplete="off"
          placeholder={file ? 'Add a caption…' : asNote ? 'Write a note for your teammates…' : 'Write a reply…'}
          value={text}
          maxLength={MAX_TEXT}
          onChange={(e) => {
            setText(e.target.value);
            typing();
          }}
        />
        <button type="submit" disabled={!ready}>
          <Icon name="send" /> <span>{busy ? 'Sending…' : 'Send'}</span>
        </button>
      </div>
      {note && (
        <p className="delivery-note" role="status" aria-label="How it will arrive">
          <Icon name="info" /> {note}
        </p>
      )}
      {segments && (
        <p className="sms-segments" role="status" aria-label="SMS segments" data-testid="sms-segments">
          {segments}
        </p>
      )}
    </form>
  );
}
