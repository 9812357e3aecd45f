// Turns `parse_mode` text (HTML, MarkdownV2, legacy Markdown) into plain text + entities, and detects automatic
// entities (urls, mentions, hashtags, bot commands) the way Telegram does (core.telegram.org/bots/api#formatting-options).
import { tgErrors } from './errors.js';
import type { TgMessageEntity } from './types.js';

export interface FormattedText {
  text: string;
  entities: TgMessageEntity[];
}

const byteOffset = (source: string, index: number): number => Buffer.byteLength(source.slice(0, index), 'utf8');

/** Parses `text` per `parse_mode` (undefined/'' = plain), then trims and adds automatic entities. */
export function formatText(text: string, parseMode: string | undefined, explicit?: TgMessageEntity[]): FormattedText {
  let parsed: FormattedText;
  const mode = (parseMode ?? '').toLowerCase();
  if (mode === 'html') parsed = parseHtml(text);
  else if (mode === 'markdownv2') parsed = parseMarkdownV2(text);
  else if (mode === 'markdown') parsed = parseMarkdownLegacy(text);
  else parsed = { text, entities: explicit ? explicit.map((e) => ({ ...e })) : [] };
  const trimmed = trimWithEntities(parsed);
  return {
    text: trimmed.text,
    entities: sortEntities([...trimmed.entities, ...detectEntities(trimmed.text, trimmed.entities)]),
  };
}

/** Telegram strips leading/trailing whitespace from message text and caption. */
function trimWithEntities({ text, entities }: FormattedText): FormattedText {
  const start = text.length - text.trimStart().length;
  const out = text.trim();
  const end = start + out.length;
  const kept: TgMessageEntity[] = [];
  for (const e of entities) {
    const s = Math.max(e.offset, start);
    const t = Math.min(e.offset + e.length, end);
    if (t > s) kept.push({ ...e, offset: s - start, length: t - s });
  }
  return { text: out, entities: kept };
}

function sortEntities(entities: TgMessageEntity[]): TgMessageEntity[] {
  return entities.filter((e) => e.length > 0).sort((a, b) => a.offset - b.offset || b.length - a.length);
}

const AUTO_PATTERNS: Array<[string, RegExp]> = [
  ['url', /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]']/gi],
  ['email', /\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b/g],
  ['mention', /(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b/g],
  ['hashtag', /(?<![\w#])#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*/gu],
  ['bot_command', /(?<![\w/])\/[A-Za-z0-9_]{1,32}(@[A-Za-z][A-Za-z0-9_]{3,31})?(?![\w/])/g],
];

/** Automatic entities (url, email, mention, hashtag, bot_command) outside code, pre and existing links. */
export function detectEntities(text: string, existing: TgMessageEntity[] = []): TgMessageEntity[] {
  const blocked = existing.filter((e) => ['code', 'pre', 'text_link', 'url', 'email'].includes(e.type));
  const found: TgMessageEntity[] = [];
  const overlaps = (offset: number, length: number) =>
    [...blocked, ...found].some((e) => offset < e.offset + e.length && e.offset < offset + length);
  for (const [type, re] of AUTO_PATTERNS) {
    for (const m of text.matchAll(re)) {
      const offset = m.index ?? 0;
      if (!overlaps(offset, m[0].length)) found.push({ type, offset, length: m[0].length });
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------- HTML

const HTML_TAGS: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
  a: 'text_link',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
};

interface OpenTag {
  name: string;
  type: string;
  offset: number;
  attrs: Map<string, string>;
}

function parseHtml(source: string): FormattedText {
  let out = '';
  const entities: TgMessageEntity[] = [];
  const stack: OpenTag[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (ch === '&') {
      const m = /^&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot);/i.exec(source.slice(i, i + 12));
      if (m) {
        const name = (m[1] ?? '').toLowerCase();
        if (name === 'lt') out += '<';
        else if (name === 'gt') out += '>';
        else if (name === 'amp') out += '&';
        else if (name === 'quot') out += '"';
        else
          out += String.fromCodePoint(
            name.startsWith('#x') ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10),
          );
        i += m[0].length;
        continue;
      }
      out += ch;
      i++;
      continue;
    }
    if (ch !== '<') {
      out += ch;
      i++;
      continue;
    }
    const close = source.indexOf('>', i);
    if (close < 0) throw tgErrors.cantParseEntities(`Unclosed start tag at byte offset ${byteOffset(source, i)}`);
    const inner = source.slice(i + 1, close);
    if (inner.startsWith('/')) {
      const name = inner.slice(1).trim().toLowerCase();
      const top = stack.pop();
      if (!top) throw tgErrors.cantParseEntities(`Unexpected end tag at byte offset ${byteOffset(source, i)}`);
      if (name !== '' && name !== top.name) {
        throw tgErrors.cantParseEntities(
          `Unmatched end tag at byte offset ${byteOffset(source, i)}, expected "</${top.name}>", found "</${name}>"`,
        );
      }
      closeHtmlTag(top, out.length, stack, entities);
      i = close + 1;
      continue;
    }
    const nameMatch = /^([a-zA-Z][\w-]*)/.exec(inner);
    const name = (nameMatch?.[1] ?? '').toLowerCase();
    const type = HTML_TAGS[name];
    if (!type)
      throw tgErrors.cantParseEntities(`Unsupported start tag "${name}" at byte offset ${byteOffset(source, i)}`);
    const attrs = new Map<string, string>();
    for (const a of inner.slice(name.length).matchAll(/([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))/g)) {
      attrs.set((a[1] ?? '').toLowerCase(), decodeHtmlAttr(a[2] ?? a[3] ?? a[4] ?? ''));
    }
    if (name === 'span' && attrs.get('class') !== 'tg-spoiler') {
      throw tgErrors.cantParseEntities(
        `Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(source, i)}`,
      );
    }
    stack.push({ name, type, offset: out.length, attrs });
    i = close + 1;
  }
  const open = stack.at(-1);
  if (open) throw tgErrors.cantParseEntities(`Can't find end tag corresponding to start tag "${open.name}"`);
  return { text: out, entities };
}

function decodeHtmlAttr(v: string): string {
  return v
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

function closeHtmlTag(tag: OpenTag, end: number, stack: OpenTag[], entities: TgMessageEntity[]): void {
  const length = end - tag.offset;
  const parent = stack.at(-1);
  if (tag.name === 'code' && parent?.name === 'pre') {
    const lang = /^language-(.+)$/.exec(tag.attrs.get('class') ?? '')?.[1];
    if (lang) parent.attrs.set('language', lang);
    return; // <pre><code class="language-x"> is one pre entity
  }
  const e: TgMessageEntity = { type: tag.type, offset: tag.offset, length };
  if (tag.type === 'text_link') e.url = tag.attrs.get('href') ?? '';
  if (tag.type === 'pre' && tag.attrs.get('language')) e.language = tag.attrs.get('language') as string;
  if (tag.type === 'blockquote' && tag.attrs.has('expandable')) e.type = 'expandable_blockquote';
  if (tag.type === 'custom_emoji') e.custom_emoji_id = tag.attrs.get('emoji-id') ?? '';
  if (tag.type === 'text_link' && !e.url) return;
  entities.push(e);
}

// --------------------------------------------------------------------------------------------------- MarkdownV2

const MDV2_RESERVED = new Set('_*[]()~`>#+-=|{}.!'.split(''));
const MDV2_NAMES: Record<string, string> = {
  bold: 'Bold',
  italic: 'Italic',
  underline: 'Underline',
  strikethrough: 'Strikethrough',
  spoiler: 'Spoiler',
  text_link: 'TextUrl',
};

interface OpenMd {
  type: string;
  offset: number;
  sourceIndex: number;
}

function parseMarkdownV2(source: string): FormattedText {
  let out = '';
  const entities: TgMessageEntity[] = [];
  const stack: OpenMd[] = [];
  let quoteStart = -1;
  let i = 0;
  const reserved = (c: string) =>
    tgErrors.cantParseEntities(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
  const toggle = (type: string, width: number) => {
    const top = stack.at(-1);
    if (top && top.type === type) {
      stack.pop();
      entities.push({ type, offset: top.offset, length: out.length - top.offset });
    } else if (stack.some((s) => s.type === type)) {
      const inner = stack.at(-1) as OpenMd;
      throw tgErrors.cantParseEntities(
        `Can't find end of ${MDV2_NAMES[inner.type] ?? inner.type} entity at byte offset ${byteOffset(source, inner.sourceIndex)}`,
      );
    } else {
      stack.push({ type, offset: out.length, sourceIndex: i });
    }
    i += width;
  };
  while (i < source.length) {
    const ch = source[i] as string;
    const atLineStart = i === 0 || source[i - 1] === '\n';
    if (atLineStart && quoteStart >= 0 && ch !== '>') {
      entities.push({ type: 'blockquote', offset: quoteStart, length: out.length - quoteStart - 1 });
      quoteStart = -1;
    }
    if (ch === '\\') {
      const next = source[i + 1];
      if (next === undefined) throw reserved('\\');
      out += next;
      i += 2;
      continue;
    }
    if (ch === '`') {
      const isPre = source.startsWith('```', i);
      const fence = isPre ? '```' : '`';
      let j = i + fence.length;
      let language: string | undefined;
      if (isPre) {
        const nl = source.indexOf('\n', j);
        const firstLine = nl >= 0 ? source.slice(j, nl) : '';
        if (nl >= 0 && /^[\w+-]*$/.test(firstLine)) {
          language = firstLine || undefined;
          j = nl + 1;
        }
      }
      let content = '';
      for (; j < source.length; j++) {
        const c = source[j] as string;
        if (c === '\\' && j + 1 < source.length) {
          content += source[j + 1];
          j++;
          continue;
        }
        if (source.startsWith(fence, j)) break;
        content += c;
      }
      if (j >= source.length) {
        throw tgErrors.cantParseEntities(
          `Can't find end of ${isPre ? 'Pre' : 'Code'} entity at byte offset ${byteOffset(source, i)}`,
        );
      }
      const e: TgMessageEntity = { type: isPre ? 'pre' : 'code', offset: out.length, length: content.length };
      if (language) e.language = language;
      entities.push(e);
      out += content;
      i = j + fence.length;
      continue;
    }
    if (ch === '*') {
      toggle('bold', 1);
      continue;
    }
    if (ch === '_') {
      if (source[i + 1] === '_') toggle('underline', 2);
      else toggle('italic', 1);
      continue;
    }
    if (ch === '~') {
      toggle('strikethrough', 1);
      continue;
    }
    if (ch === '|' && source[i + 1] === '|') {
      toggle('spoiler', 2);
      continue;
    }
    if (ch === '[') {
      stack.push({ type: 'text_link', offset: out.length, sourceIndex: i });
      i++;
      continue;
    }
    if (ch === ']') {
      const top = stack.at(-1);
      if (!top || top.type !== 'text_link') throw reserved(']');
      const m = /^\]\(((?:[^()\\]|\\.)*)\)/.exec(source.slice(i));
      if (!m)
        throw tgErrors.cantParseEntities(
          `Can't find end of TextUrl entity at byte offset ${byteOffset(source, top.sourceIndex)}`,
        );
      stack.pop();
      entities.push({
        type: 'text_link',
        offset: top.offset,
        length: out.length - top.offset,
        url: (m[1] ?? '').replace(/\\(.)/g, '$1'),
      });
      i += m[0].length;
      continue;
    }
    if (ch === '>' && atLineStart) {
      if (quoteStart < 0) quoteStart = out.length;
      i++;
      continue;
    }
    if (MDV2_RESERVED.has(ch)) throw reserved(ch);
    out += ch;
    i++;
  }
  if (quoteStart >= 0) entities.push({ type: 'blockquote', offset: quoteStart, length: out.length - quoteStart });
  const open = stack.at(-1);
  if (open) {
    throw tgErrors.cantParseEntities(
      `Can't find end of ${MDV2_NAMES[open.type] ?? open.type} entity at byte offset ${byteOffset(source, open.sourceIndex)}`,
    );
  }
  return { text: out, entities };
}

// ------------------------------------------------------------------------------------------- legacy Markdown

function parseMarkdownLegacy(source: string): FormattedText {
  let out = '';
  const entities: TgMessageEntity[] = [];
  let i = 0;
  const unclosed = (at: number) =>
    tgErrors.cantParseEntities(`Can't find end of the entity starting at byte offset ${byteOffset(source, at)}`);
  while (i < source.length) {
    const ch = source[i] as string;
    if (ch === '\\' && '_*`['.includes(source[i + 1] ?? '')) {
      out += source[i + 1];
      i += 2;
      continue;
    }
    if (ch === '*' || ch === '_') {
      const end = source.indexOf(ch, i + 1);
      if (end < 0) throw unclosed(i);
      const content = source.slice(i + 1, end);
      entities.push({ type: ch === '*' ? 'bold' : 'italic', offset: out.length, length: content.length });
      out += content;
      i = end + 1;
      continue;
    }
    if (ch === '`') {
      const pre = source.startsWith('```', i);
      const fence = pre ? '```' : '`';
      const end = source.indexOf(fence, i + fence.length);
      if (end < 0) throw unclosed(i);
      let content = source.slice(i + fence.length, end);
      let language: string | undefined;
      if (pre) {
        const nl = content.indexOf('\n');
        if (nl >= 0 && /^[\w+-]+$/.test(content.slice(0, nl))) {
          language = content.slice(0, nl);
          content = content.slice(nl + 1);
        }
      }
      const e: TgMessageEntity = { type: pre ? 'pre' : 'code', offset: out.length, length: content.length };
      if (language) e.language = language;
      entities.push(e);
      out += content;
      i = end + fence.length;
      continue;
    }
    if (ch === '[') {
      const m = /^\[([^\]]*)\]\(([^)]*)\)/.exec(source.slice(i));
      if (!m) throw unclosed(i);
      const label = m[1] ?? '';
      entities.push({ type: 'text_link', offset: out.length, length: label.length, url: m[2] ?? '' });
      out += label;
      i += m[0].length;
      continue;
    }
    out += ch;
    i++;
  }
  return { text: out, entities };
}
