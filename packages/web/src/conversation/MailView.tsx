/**
 * @module web/conversation/MailView: a mail in the thread, read like mail — from, to and cc, the new part of a reply
 * with the quoted history folded behind "…", and the HTML body in a sandboxed frame. The hub sanitised the HTML
 * already (channels/email: no scripts, handlers or remote images); the frame is a second wall: no scripts run in it
 * (sandbox without allow-scripts, and a CSP of default-src 'none'), and remote images are fetched only after the
 * operator clicks "Load images" (tracking pixels stay silent until then). Inline `cid:` images show the mail's own
 * attachments from the hub's media store.
 */
import { useMemo, useState } from 'react';
import type { Message } from '../../../sdk/src/index.ts';

interface Address {
  address: string;
  name?: string;
}

function addressesOf(value: unknown): Address[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((v: unknown) => {
    if (typeof v === 'string') return [{ address: v }];
    if (v && typeof v === 'object' && typeof (v as Address).address === 'string') return [v as Address];
    return [];
  });
}

const label = (a: Address) => (a.name ? `${a.name} <${a.address}>` : a.address);

/** the quoted history of a reply in HTML, as the common mail clients mark it */
const QUOTED = 'blockquote, .gmail_quote, .gmail_extra, .moz-cite-prefix, .yahoo_quoted, #appendonsend, #divRplyFwdMsg';

export interface MailHtml {
  html: string;
  /** the mail has remote images (kept as data-remote-src by the hub) */
  remoteImages: boolean;
  /** the mail has a quoted part that is folded */
  quoted: boolean;
}

/**
 * the body for the frame: inline images pointed at our media store, the quoted part removed while folded, remote
 * images given their src only when the operator asked. DOMParser makes an inert document: nothing in it loads or runs
 */
export function mailHtml(
  html: string,
  options: { cids: Record<string, string>; loadImages: boolean; unfold: boolean },
): MailHtml {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const quotedNodes = doc.querySelectorAll(QUOTED);
  const quoted = quotedNodes.length > 0;
  if (!options.unfold) quotedNodes.forEach((n) => n.remove());
  doc.querySelectorAll('img').forEach((img) => {
    const src = img.getAttribute('src') ?? '';
    if (src.toLowerCase().startsWith('cid:')) {
      const url = options.cids[src.slice(4)];
      if (url) img.setAttribute('src', url);
      else img.removeAttribute('src');
    }
  });
  const remote = doc.querySelectorAll('img[data-remote-src]');
  if (options.loadImages)
    remote.forEach((img) => {
      const src = img.getAttribute('data-remote-src') ?? '';
      if (/^https?:\/\//i.test(src)) img.setAttribute('src', src);
    });
  return { html: doc.body.innerHTML, remoteImages: remote.length > 0, quoted };
}

/** the frame's whole document: its own CSP, so even a tag the sanitiser let through cannot fetch or run anything */
export function frameDocument(body: string, loadImages: boolean, origin: string): string {
  const img = `data: ${origin}${loadImages ? ' https: http:' : ''}`;
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${img}; style-src 'unsafe-inline'">` +
    '<base target="_blank">' +
    '<style>body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1f2430;overflow-wrap:anywhere}' +
    'img{max-width:100%;height:auto}</style></head><body>' +
    body +
    '</body></html>'
  );
}

function HtmlFrame({ html, cids, title }: { html: string; cids: Record<string, string>; title: string }) {
  const [loadImages, setLoadImages] = useState(false);
  const [unfold, setUnfold] = useState(false);
  const [height, setHeight] = useState(120);
  const body = useMemo(() => mailHtml(html, { cids, loadImages, unfold }), [html, cids, loadImages, unfold]);
  return (
    <div className="mail-html">
      <iframe
        title={title}
        // no allow-scripts: nothing in the mail runs. allow-same-origin only lets the app measure the height
        sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
        referrerPolicy="no-referrer"
        srcDoc={frameDocument(body.html, loadImages, location.origin)}
        style={{ height }}
        onLoad={(e) => {
          const doc = e.currentTarget.contentDocument;
          if (doc) setHeight(Math.min(Math.max(doc.documentElement.scrollHeight + 4, 40), 2000));
        }}
      />
      <span className="mail-actions">
        {body.quoted && (
          <button
            type="button"
            className="link"
            aria-expanded={unfold}
            aria-label={unfold ? 'Hide quoted text' : 'Show quoted text'}
            onClick={() => setUnfold(!unfold)}
          >
            …
          </button>
        )}
        {body.remoteImages && !loadImages && (
          <button type="button" className="link" onClick={() => setLoadImages(true)}>
            Load images
          </button>
        )}
      </span>
    </div>
  );
}

function TextBody({ text, replyText }: { text: string; replyText: string | undefined }) {
  const [unfold, setUnfold] = useState(false);
  const folded = replyText !== undefined && !unfold;
  return (
    <>
      <span className="msg-text">{folded ? replyText : text}</span>
      {replyText !== undefined && (
        <button
          type="button"
          className="link mail-fold"
          aria-expanded={unfold}
          aria-label={unfold ? 'Hide quoted text' : 'Show quoted text'}
          onClick={() => setUnfold(!unfold)}
        >
          …
        </button>
      )}
    </>
  );
}

export function MailView({ message: m, cids }: { message: Message; cids: Record<string, string> }) {
  const meta = m.metadata;
  const from: Address =
    m.direction === 'inbound'
      ? { address: m.from, ...(typeof meta.profileName === 'string' ? { name: meta.profileName } : {}) }
      : { address: m.from };
  const to = m.direction === 'inbound' ? addressesOf(meta.to) : [{ address: m.to }];
  const cc = addressesOf(meta.cc);
  const html = typeof meta.html === 'string' ? meta.html : undefined;
  const text = m.content.type === 'text' ? m.content.text : '';
  const replyText = typeof meta.replyText === 'string' ? meta.replyText : undefined;
  const subject = typeof meta.subject === 'string' ? meta.subject : '';
  return (
    <div className="mail" aria-label={`Mail from ${from.address}`}>
      <dl className="mail-head">
        <dt>From</dt>
        <dd>{label(from)}</dd>
        {to.length > 0 && (
          <>
            <dt>To</dt>
            <dd>{to.map(label).join(', ')}</dd>
          </>
        )}
        {cc.length > 0 && (
          <>
            <dt>Cc</dt>
            <dd>{cc.map(label).join(', ')}</dd>
          </>
        )}
        {meta.autoReply === true && (
          <>
            <dt>Note</dt>
            <dd>Automatic reply: not answered by bots</dd>
          </>
        )}
      </dl>
      {html ? (
        <HtmlFrame html={html} cids={cids} title={subject ? `Mail: ${subject}` : 'Mail'} />
      ) : (
        <TextBody text={text} replyText={replyText} />
      )}
    </div>
  );
}

/** message id of a mail → its inline images (`cid` → our media url), from the attachment messages of the thread */
export function inlineImages(messages: Iterable<Message>): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const m of messages) {
    const { cid, messageId } = m.metadata;
    const media = (m.content as { media?: { url?: string; state?: string } }).media;
    if (typeof cid !== 'string' || typeof messageId !== 'string' || !media?.url || media.state === 'pending') continue;
    out.set(messageId, { ...out.get(messageId), [cid]: media.url });
  }
  return out;
}
