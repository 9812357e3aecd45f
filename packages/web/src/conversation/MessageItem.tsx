/**
 * @module web/conversation/MessageItem: one message in the thread — text, media previews (images inline, audio and
 * video players, documents as downloads; media URLs are served by the hub), locations, contact cards, buttons,
 * templates (with their badge) — and an outbound message's delivery status.
 */
import type { Content, Message, User } from '../../../sdk/src/index.ts';
import { isMailChannel, useApp } from '../app-context.ts';
import { fileSize, fullTime, shortTime } from '../format.ts';
import { Icon, StatusIcon } from '../icons.tsx';
import { MailView } from './MailView.tsx';

interface Media {
  url: string;
  mimeType: string;
  fileName?: string;
  size?: number;
  caption?: string;
  state?: 'pending' | 'ready' | 'failed';
}

function MediaView({ type, media }: { type: string; media: Media }) {
  if (media.state === 'pending')
    return (
      <p className="media-state">
        <Icon name="clock" /> Fetching the {type}…
      </p>
    );
  if (media.state === 'failed')
    return (
      <p className="media-state error">
        <Icon name="alert" /> The {type} could not be fetched from the provider.
      </p>
    );
  const name = media.fileName ?? `${type}${media.mimeType ? ` (${media.mimeType})` : ''}`;
  const download = (
    <a className="media-download" href={media.url} download={media.fileName ?? ''} target="_blank" rel="noreferrer">
      <Icon name="download" /> <span>{type === 'document' ? name : `Download ${type}`}</span>
      {media.size !== undefined && <small> {fileSize(media.size)}</small>}
    </a>
  );
  let preview = null;
  if (type === 'image' || type === 'sticker') {
    preview = (
      <a href={media.url} target="_blank" rel="noreferrer" className="media-image-link">
        <img className="media-image" src={media.url} alt={media.caption ?? media.fileName ?? type} loading="lazy" />
      </a>
    );
  } else if (type === 'audio') {
    preview = (
      <audio
        className="media-audio"
        controls
        preload="metadata"
        src={media.url}
        aria-label={media.fileName ?? 'Audio message'}
      />
    );
  } else if (type === 'video') {
    preview = (
      <video
        className="media-video"
        controls
        preload="metadata"
        src={media.url}
        aria-label={media.fileName ?? 'Video'}
      />
    );
  } else {
    preview = <Icon name="file" size={28} className="media-file-icon" />;
  }
  return (
    <div className={`media media-${type}`}>
      {preview}
      {download}
      {media.caption && <p className="msg-text">{media.caption}</p>}
    </div>
  );
}

function Body({ content }: { content: Content }) {
  switch (content.type) {
    case 'text':
      return <span className="msg-text">{content.text}</span>;
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker':
      return <MediaView type={content.type} media={content.media as Media} />;
    case 'location': {
      const l = content.location as { latitude: number; longitude: number; name?: string; address?: string };
      return (
        <a
          className="msg-location"
          href={`https://www.openstreetmap.org/?mlat=${l.latitude}&mlon=${l.longitude}#map=16/${l.latitude}/${l.longitude}`}
          target="_blank"
          rel="noreferrer"
        >
          <Icon name="pin" /> {[l.name, l.address].filter(Boolean).join(', ') || `${l.latitude}, ${l.longitude}`}
        </a>
      );
    }
    case 'contact': {
      const cards = content.contacts as Array<{ name: string; phones?: string[]; emails?: string[] }>;
      return (
        <ul className="msg-cards">
          {cards.map((c, i) => (
            <li key={i}>
              <Icon name="user" /> <strong>{c.name}</strong> {[...(c.phones ?? []), ...(c.emails ?? [])].join(', ')}
            </li>
          ))}
        </ul>
      );
    }
    case 'interactive': {
      const i = content.interactive as {
        kind: string;
        text?: string;
        buttons?: Array<{ id: string; title: string }>;
        reply?: { id: string; title: string };
      };
      if (i.reply)
        return (
          <span className="msg-text">
            <span className="chip" title="The button the customer chose">
              {i.reply.title}
            </span>
          </span>
        );
      return (
        <>
          {i.text && <span className="msg-text">{i.text}</span>}
          {i.buttons && (
            <span className="msg-buttons" aria-label="Buttons offered">
              {i.buttons.map((b) => (
                <span key={b.id} className="chip">
                  {b.title}
                </span>
              ))}
            </span>
          )}
        </>
      );
    }
    case 'reaction': {
      const r = content.reaction as { emoji: string };
      return <span className="msg-text">Reacted {r.emoji}</span>;
    }
    case 'template': {
      const t = content.template as { name: string; text?: string };
      return <span className="msg-text">{t.text ?? `Template ${t.name}`}</span>;
    }
    default:
      return <span className="msg-text">[{(content as { type: string }).type}]</span>;
  }
}

/** where a message went instead of its own channel (RCS → SMS: metadata.fallback, written by the outbound worker) */
function fallbackOf(m: Message): { channelType: string; reason: string } | undefined {
  const f = (m.metadata as Record<string, unknown> | undefined)?.fallback as
    { channelType?: unknown; reason?: unknown } | undefined;
  return typeof f?.channelType === 'string'
    ? { channelType: f.channelType, reason: typeof f.reason === 'string' ? f.reason : '' }
    : undefined;
}

const NO_IMAGES: Record<string, string> = {};

export type Author =
  { kind: 'bot'; name: string } | { kind: 'automation'; name: string } | { kind: 'operator'; name: string } | null;

/**
 * who wrote an outbound message, from what the hub stamped on it: an agent names itself (agentId/agentName), an
 * auto-reply or rule says so, an operator's reply carries their id (operatorId). Inbound messages: null.
 */
export function authorOf(m: Message, users: Map<string, User>, meId?: string): Author {
  if (m.direction !== 'outbound') return null;
  const md = m.metadata;
  if (typeof md.agentId === 'string' && md.agentId)
    return { kind: 'bot', name: typeof md.agentName === 'string' && md.agentName ? md.agentName : 'Bot' };
  if (md.autoReply === true || typeof md.ruleId === 'string' || md.consentConfirmation !== undefined)
    return { kind: 'automation', name: 'Automatic reply' };
  if (typeof md.operatorId === 'string') {
    const u = users.get(md.operatorId);
    return { kind: 'operator', name: md.operatorId === meId ? 'You' : u ? u.name || u.email : 'A teammate' };
  }
  return null;
}

function AuthorMark({ author }: { author: Author }) {
  if (!author) return null;
  const initials = author.name
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return (
    <span className={`msg-author msg-author-${author.kind}`} data-author={author.kind}>
      <span className="msg-avatar" aria-hidden="true">
        {author.kind === 'operator' ? initials : <Icon name={author.kind === 'bot' ? 'bot' : 'clock'} size={12} />}
      </span>
      <span className="msg-author-name">{author.name}</span>
      {author.kind === 'bot' && <span className="pill pill-bot">Bot</span>}
      {author.kind === 'automation' && <span className="pill">Auto</span>}
    </span>
  );
}

/** the status line's tooltip: the status, when it was last known to change, and the provider's own note */
export function statusTitle(m: Message): string {
  const when = m.statusAt ? `${m.status} at ${fullTime(m.statusAt)}` : m.status;
  const sent = `written ${fullTime(m.timestamp)}`;
  const note = m.statusDetail ? [m.statusDetail.code, m.statusDetail.message].filter(Boolean).join(': ') : '';
  return [when, sent, note ? `provider: ${note}` : ''].filter(Boolean).join(' · ');
}

export function MessageItem({ message: m, cids = NO_IMAGES }: { message: Message; cids?: Record<string, string> }) {
  const { users, me, types } = useApp();
  const author = authorOf(m, users, me.id);
  const isTemplate = m.content.type === 'template';
  const isMail = isMailChannel(types, m.channelType) && m.content.type === 'text';
  const fallback = m.direction === 'outbound' ? fallbackOf(m) : undefined;
  // a note only teammates in the provider's inbox see (Intercom): it must not read as a reply the customer got
  const isNote = m.metadata.internalNote === true;
  return (
    <li
      className={`msg ${m.direction}${isTemplate ? ' msg-template' : ''}${isMail ? ' msg-mail' : ''}${author?.kind === 'bot' ? ' msg-by-bot' : ''}${isNote ? ' msg-internal-note' : ''}`}
      data-message={m.id}
      data-type={m.content.type}
    >
      <AuthorMark author={author} />
      {isTemplate && (
        <span className="template-badge">
          <Icon name="template" size={12} /> {m.channelType === 'whatsapp' ? 'WhatsApp template' : 'Template'}
        </span>
      )}
      {/* Instagram: what the message answered or mentioned, and messages the customer took back */}
      {m.metadata.storyReply !== undefined && <span className="msg-context">Replied to your story</span>}
      {m.metadata.storyMention === true && <span className="msg-context">Mentioned you in their story</span>}
      {m.metadata.echo === true && <span className="msg-context">Sent from another tool</span>}
      {isNote && (
        // the words come before the text, so a screen reader says what this is before reading it
        <span className="msg-context msg-note">
          <Icon name="lock" size={12} /> Internal note
        </span>
      )}
      {typeof m.metadata.deletedByCustomer === 'string' ? (
        <span className="msg-text msg-deleted">Deleted by the customer</span>
      ) : isMail ? (
        <MailView message={m} cids={cids} />
      ) : (
        <Body content={m.content} />
      )}
      <span className="msg-meta">
        {fallback && (
          <span className="msg-fallback" data-fallback={fallback.channelType} title={fallback.reason}>
            sent over {fallback.channelType}
          </span>
        )}
        <time dateTime={m.timestamp} title={fullTime(m.timestamp)}>
          {shortTime(m.timestamp)}
        </time>
        {m.direction === 'outbound' && (
          <span
            className={`msg-status st-${m.status}`}
            data-status={m.status}
            role="img"
            aria-label={`Status: ${m.status}`}
            title={statusTitle(m)}
          >
            <StatusIcon status={m.status} />
          </span>
        )}
      </span>
    </li>
  );
}
