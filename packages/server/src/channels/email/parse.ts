/**
 * @module channels/email/parse
 * Pure and deterministic: a stored mail envelope (payloads.ts) → normalized events. One text message per mail
 * (subject, cc and the sanitised HTML in its metadata), one media message per attachment, a `failed` status for a
 * bounce of one of ours. Threading: a conversation's thread key is the root Message-ID of its thread — the first
 * id of References (RFC 5322 §3.6.4), else In-Reply-To, else the mail's own id.
 */
import type { WebhookOutcome, WebhookRequest } from '../../channel-kit/index.js';
import type { InboundEvent } from '../../model/index.js';
import type { EmailConfig } from './config.js';
import { EmailEnvelopeSchema, type EmailEnvelope } from './payloads.js';

const MAX_TEXT = 65536;

function envelopeOf(req: WebhookRequest): EmailEnvelope | undefined {
  try {
    const parsed = EmailEnvelopeSchema.safeParse(JSON.parse(req.rawBody.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function emailEventKey(req: WebhookRequest): string | undefined {
  return envelopeOf(req)?.messageId;
}

/** "Re: AW: Fwd: Ответ: subject" → "subject", for the subject fallback of threading and for display */
export function normalizeSubject(subject: string): string {
  let s = subject.trim();
  for (;;) {
    const next = s.replace(/^(re|aw|fw|fwd|wg|sv|vs|ответ|отв|rif|tr)\s*(\[\d+\])?\s*:\s*/i, '');
    if (next === s) return s;
    s = next;
  }
}

export function parseEmail(req: WebhookRequest, config: EmailConfig): WebhookOutcome {
  const mail = envelopeOf(req);
  if (!mail) return { kind: 'ignored', reason: 'not a mail envelope' };
  if (mail.bounce) {
    if (!mail.bounce.originalMessageId) return { kind: 'ignored', reason: 'bounce without the original Message-ID' };
    return {
      kind: 'events',
      events: [
        {
          kind: 'status',
          providerMessageId: mail.bounce.originalMessageId,
          status: 'failed',
          detail: {
            code: mail.bounce.status ?? 'BOUNCED',
            message: mail.bounce.diagnostic ?? 'the receiving mail server returned the message',
          },
          timestamp: mail.date,
        },
      ],
    };
  }
  const from = mail.from?.address?.toLowerCase();
  if (!from) return { kind: 'ignored', reason: 'mail without a sender' };
  // our own sent mail seen in the mailbox (a Bcc to ourselves, a server copying Sent into INBOX)
  if (from === config.address.toLowerCase()) return { kind: 'ignored', reason: 'our own mail' };
  const threadKey = mail.references[0] ?? mail.inReplyTo ?? mail.messageId;
  // the mails this one answers, nearest first: the hub finds the conversation holding one of them when the root of
  // References is unknown (a client that dropped References, or a thread we started)
  const threadRefs = [...new Set([...(mail.inReplyTo ? [mail.inReplyTo] : []), ...[...mail.references].reverse()])]
    .filter((id) => id.length > 0 && id.length <= 998)
    .slice(0, 100);
  const subject = normalizeSubject(mail.subject).slice(0, 998);
  const base = {
    kind: 'message' as const,
    from: { address: from, ...(mail.from?.name ? { name: mail.from.name } : {}) },
    to: config.address.toLowerCase(),
    threadKey,
    ...(threadRefs.length > 0 ? { threadRefs } : {}),
    ...(subject ? { subject } : {}),
    // RFC 3834 §2: an automatic answer is never answered automatically
    ...(mail.autoReply ? { automated: true } : {}),
    timestamp: mail.date,
  };
  const metadata = {
    subject: mail.subject,
    to: mail.to,
    cc: mail.cc,
    messageId: mail.messageId,
    references: mail.references,
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
    ...(mail.html ? { html: mail.html } : {}),
    ...(mail.replyText !== undefined ? { replyText: mail.replyText } : {}),
    ...(mail.autoReply ? { autoReply: true } : {}),
  };
  const text = (mail.text.trim() || mail.subject.trim() || '(empty mail)').slice(0, MAX_TEXT);
  const events: InboundEvent[] = [
    { ...base, providerMessageId: mail.messageId, content: { type: 'text', text }, metadata },
  ];
  for (const a of mail.attachments) {
    const type = a.mimeType.startsWith('image/')
      ? 'image'
      : a.mimeType.startsWith('audio/')
        ? 'audio'
        : a.mimeType.startsWith('video/')
          ? 'video'
          : 'document';
    events.push({
      ...base,
      providerMessageId: `${mail.messageId}#${a.index}`,
      content: {
        type,
        media: {
          url: '',
          mimeType: a.mimeType,
          ...(a.fileName ? { fileName: a.fileName } : {}),
          size: a.size,
          providerMediaId: `${mail.messageId} ${a.index}`,
        },
      },
      metadata: { subject: mail.subject, messageId: mail.messageId, ...(a.cid ? { cid: a.cid } : {}) },
    });
  }
  return { kind: 'events', events };
}
