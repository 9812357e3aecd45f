/**
 * @module core/degradation/degrade
 * Turns unified content into what the target channel can carry, from its declared capabilities, before any
 * connector sees it: the hub sends something meaningful on every channel instead of refusing (docs/architecture.md,
 * "Degradation by capability"). Pure: content and capabilities in, the parts to send and what was done out.
 *
 * Each transformation leaves a short code in `degraded` (stored as the message's `metadata.degraded`). Buttons, list
 * rows and card buttons that become numbered text leave their `choices`, so a customer's typed answer ("2", or
 * the option's title) can be turned back into the `button_reply` with the original id (./choice-reply.ts).
 * What cannot be degraded meaningfully is refused with 422 UNSUPPORTED_CONTENT.
 */
import { capabilitiesFor, type AnyConnector, type Capabilities } from '../../channel-kit/index.js';
import type { Button, Card, Content } from '../../model/index.js';
import { AppError } from '../errors.js';

export type DegradationCode =
  | 'buttons_as_text'
  | 'list_as_text'
  | 'cards_as_text'
  | 'text_split'
  | 'media_as_link'
  | 'location_as_text'
  | 'contact_as_text'
  | 'reaction_dropped';

/** one option offered as numbered text: typing `n` or the title answers `id` */
export interface Choice {
  n: number;
  id: string;
  title: string;
  /** the reply kind it stands for: button_reply (buttons, card buttons) or list_reply (list rows) */
  kind: 'button_reply' | 'list_reply';
}

export interface Degraded {
  /** what goes on the wire, in order; empty when the content is dropped (a reaction the channel cannot show) */
  parts: Content[];
  /** the transformations applied, in the order they were applied (empty: sent as it is) */
  degraded: DegradationCode[];
  /** the numbered options offered as text (they end the last part) */
  choices?: Choice[];
}

/** the channel as degradation sees it: its capabilities and a name for messages */
export interface ChannelTarget {
  displayName: string;
  capabilities: Capabilities;
}

/** one connection as degradation sees it: the channel's capabilities with the connection's own limits over them */
export function connectionTarget(
  connector: Pick<AnyConnector, 'displayName' | 'capabilities' | 'limitsFor'>,
  config: Record<string, unknown>,
): ChannelTarget {
  return { displayName: connector.displayName, capabilities: capabilitiesFor(connector, config) };
}

/** one line per option; the title is what a customer may also type */
export function numberedOptions(choices: readonly Choice[]): string {
  return choices.map((c) => `Reply ${c.n} for ${c.title}`).join('\n');
}

function choicesOf(buttons: readonly Button[], kind: Choice['kind'], first = 1): Choice[] {
  return buttons.map((b, i) => ({ n: first + i, id: b.id, title: b.title, kind }));
}

/** OpenStreetMap opens on every phone and desktop without an app or an API key */
function mapLink(latitude: number, longitude: number): string {
  return `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=17/${latitude}/${longitude}`;
}

function cardsText(content: Extract<Content, { type: 'cards' }>): { text: string; choices: Choice[] } {
  const choices: Choice[] = [];
  const blocks = content.cards.map((card: Card, i) => {
    const lines = [`${i + 1}/${content.cards.length} ${card.title}`];
    if (card.subtitle) lines.push(card.subtitle);
    if (card.imageUrl) lines.push(`Image: ${card.imageUrl}`);
    for (const b of card.buttons) {
      if (b.url) lines.push(`${b.title}: ${b.url}`);
      else {
        // the card's title tells apart two cards' buttons of the same name ("Buy")
        const choice: Choice = { n: choices.length + 1, id: b.id, title: b.title, kind: 'button_reply' };
        choices.push(choice);
        lines.push(`Reply ${choice.n} for ${b.title} (${card.title})`);
      }
    }
    return lines.join('\n');
  });
  return { text: [content.text, ...blocks].filter(Boolean).join('\n\n'), choices };
}

/** the content as one text, and the code for it; undefined when the channel carries it as it is */
function asText(
  content: Content,
  target: ChannelTarget,
  linkFor: (url: string) => string,
): { text: string; code: DegradationCode; choices?: Choice[] } | undefined {
  const caps = target.capabilities;
  const carries = caps.outbound.includes(content.type);
  switch (content.type) {
    case 'interactive': {
      const i = content.interactive;
      if (i.kind === 'button_reply' || i.kind === 'list_reply') {
        if (carries) return undefined;
        throw new AppError('UNSUPPORTED_CONTENT', `a ${i.kind} is what a customer sends, not something to send`);
      }
      const buttons = i.buttons ?? [];
      const limit = i.kind === 'list' ? (caps.listItems ?? caps.buttons) : caps.buttons;
      if (carries && buttons.length <= limit) return undefined;
      if (buttons.length === 0) throw new AppError('UNSUPPORTED_CONTENT', `the ${i.kind} has no options to offer`);
      const choices = choicesOf(buttons, i.kind === 'list' ? 'list_reply' : 'button_reply');
      return {
        text: [i.text, numberedOptions(choices)].filter(Boolean).join('\n\n'),
        code: i.kind === 'list' ? 'list_as_text' : 'buttons_as_text',
        choices,
      };
    }
    case 'cards': {
      if (carries) return undefined;
      const { text, choices } = cardsText(content);
      return { text, code: 'cards_as_text', ...(choices.length > 0 ? { choices } : {}) };
    }
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker': {
      const m = content.media;
      const tooBig = caps.maxMediaBytes !== undefined && m.size !== undefined && m.size > caps.maxMediaBytes;
      if (carries && !tooBig) return undefined;
      if (!/^https?:\/\//i.test(m.url))
        throw new AppError('UNSUPPORTED_CONTENT', `${target.displayName} cannot send ${content.type} messages`);
      // our own files go out as a signed, expiring link (MediaService.shareLink), not their permanent capability URL
      const label = m.caption ?? m.fileName ?? `[${content.type}]`;
      return { text: `${label}\n${linkFor(m.url)}`, code: 'media_as_link' };
    }
    case 'location': {
      if (carries) return undefined;
      const l = content.location;
      const place = [l.name, l.address].filter(Boolean).join(', ');
      return {
        text: `${place ? `Location: ${place}` : 'Location'}\n${mapLink(l.latitude, l.longitude)}`,
        code: 'location_as_text',
      };
    }
    case 'contact': {
      if (carries) return undefined;
      const text = content.contacts
        .map((c) =>
          [`Contact: ${c.name}`, ...c.phones.map((p) => `Phone: ${p}`), ...c.emails.map((e) => `Email: ${e}`)].join(
            '\n',
          ),
        )
        .join('\n\n');
      return { text, code: 'contact_as_text' };
    }
    case 'text':
    case 'reaction':
    case 'template':
      return undefined;
  }
}

/**
 * Splits text into parts of at most `limit` UTF-16 units (the unit `maxTextLength` counts), breaking after the last
 * whitespace that fits; a word longer than the limit is cut, never inside a surrogate pair. The parts joined give
 * the text back exactly.
 */
export function splitText(text: string, limit: number): string[] {
  if (limit < 2) throw new RangeError('limit must be at least 2');
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = -1;
    for (let i = limit; i > 0; i--) {
      // break after a whitespace run: the space stays with the part before, the next part starts with a word
      if (/\s/.test(rest.charAt(i - 1)) && !/\s/.test(rest.charAt(i))) {
        cut = i;
        break;
      }
    }
    if (cut <= 0) {
      cut = limit;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // keep a surrogate pair whole
    }
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

/**
 * What the channel will carry for `content`. Templates pass untouched (they are the provider's, checked elsewhere);
 * a reaction the channel cannot show is dropped (no parts); everything else either passes as it is or becomes
 * text, which is split when it is longer than the channel's limit.
 */
export function degrade(
  content: Content,
  target: ChannelTarget,
  linkFor: (url: string) => string = (url) => url,
): Degraded {
  const caps = target.capabilities;
  if (content.type === 'reaction' && !caps.outbound.includes('reaction'))
    return { parts: [], degraded: ['reaction_dropped'] };
  if (content.type === 'template') {
    // a template is the provider's own message: there is nothing to degrade it into
    if (!caps.outbound.includes('template'))
      throw new AppError('UNSUPPORTED_CONTENT', `${target.displayName} cannot send template messages`, {
        supported: caps.outbound,
      });
    return { parts: [content], degraded: [] };
  }
  const degraded: DegradationCode[] = [];
  const textual = asText(content, target, linkFor);
  let text: string;
  let choices: Choice[] | undefined;
  if (textual) {
    degraded.push(textual.code);
    text = textual.text;
    choices = textual.choices;
  } else if (content.type === 'text') text = content.text;
  else {
    if (!caps.outbound.includes(content.type))
      throw new AppError('UNSUPPORTED_CONTENT', `${target.displayName} cannot send ${content.type} messages`, {
        supported: caps.outbound,
      });
    return { parts: [content], degraded };
  }
  if (!caps.outbound.includes('text'))
    throw new AppError('UNSUPPORTED_CONTENT', `${target.displayName} cannot send ${content.type} messages`, {
      supported: caps.outbound,
    });
  let texts = [text];
  if (text.length > caps.maxTextLength) {
    texts = splitText(text, caps.maxTextLength);
    degraded.push('text_split');
  }
  return {
    parts: texts.map((t) => ({ type: 'text', text: t })),
    degraded,
    ...(choices ? { choices } : {}),
  };
}

const NOTES: Record<DegradationCode, string> = {
  buttons_as_text: 'the buttons arrive as numbered text options',
  list_as_text: 'the list arrives as numbered text options',
  cards_as_text: 'the cards arrive as one text with their links',
  text_split: 'the text arrives in several messages',
  media_as_link: 'the file arrives as a link',
  location_as_text: 'the location arrives as a map link',
  contact_as_text: 'the contact card arrives as text',
  reaction_dropped: 'the reaction is not sent',
};

/** the composer's note: "On SMS the buttons arrive as numbered text options." (empty when nothing changes) */
export function degradationNote(degraded: readonly DegradationCode[], displayName: string): string {
  if (degraded.length === 0) return '';
  return `On ${displayName} ${degraded.map((c) => NOTES[c]).join(', and ')}.`;
}

/**
 * An agent's replies of one turn on a channel that speaks (a phone call, `capabilities.spoken`): one text, the
 * replies' text forms joined in order, because each message sent replaces what the call is playing. Templates and
 * dropped content have no spoken form and are left out; nothing spoken leaves the replies as they were.
 */
export function spokenTurn(replies: Content[], target: ChannelTarget): Content[] {
  if (!target.capabilities.spoken || replies.length < 2) return replies;
  const texts: string[] = [];
  for (const reply of replies) {
    if (reply.type === 'template') continue;
    const spokenTarget: ChannelTarget = {
      ...target,
      capabilities: { ...target.capabilities, maxTextLength: Number.MAX_SAFE_INTEGER },
    };
    for (const part of degrade(reply, spokenTarget).parts) if (part.type === 'text') texts.push(part.text);
  }
  return texts.length === 0 ? replies : [{ type: 'text', text: texts.join('\n\n') }];
}
