/** @module channels/email/payloads — a fetched mail as the listener hands it to the hub (parsed once, stored raw). */
import { z } from 'zod';
export interface EmailAddress {
  address: string;
  name?: string;
}

export interface EmailEnvelope {
  kind: 'mail';
  mailbox: string;
  uidValidity: string;
  uid: number;
  /** the Message-ID header with its angle brackets, or a digest of date+from+subject when the mail has none */
  messageId: string;
  inReplyTo?: string;
  references: string[];
  from?: EmailAddress;
  to: EmailAddress[];
  cc: EmailAddress[];
  subject: string;
  date: string;
  text: string;
  /** the new part of a reply, without the quoted history and signature (email-reply-parser); absent when all new */
  replyText?: string;
  /** sanitised (sanitize-html): no scripts, no handlers, no remote images */
  html?: string;
  /** RFC 3834 auto-reply, Precedence bulk/list, X-Autoreply */
  autoReply: boolean;
  /** a delivery status notification (multipart/report; report-type=delivery-status, RFC 3464) */
  bounce?: { originalMessageId?: string; status?: string; diagnostic?: string };
  attachments: Array<{
    index: number;
    fileName?: string;
    mimeType: string;
    size: number;
    cid?: string;
    inline: boolean;
  }>;
}

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const Address = z.object({ address: z.string(), name: z.string().optional() });

/**
 * The envelope as parse accepts it: a stored raw event is parsed again on replay, so parse checks the shape rather
 * than trusting that the bytes are what this version of the listener wrote.
 */
export const EmailEnvelopeSchema: z.ZodType<EmailEnvelope> = z.object({
  kind: z.literal('mail'),
  mailbox: z.string(),
  uidValidity: z.string(),
  uid: count,
  messageId: z.string().min(1),
  inReplyTo: z.string().optional(),
  references: z.array(z.string()),
  from: Address.optional(),
  to: z.array(Address),
  cc: z.array(Address),
  subject: z.string(),
  date: z.string(),
  text: z.string(),
  replyText: z.string().optional(),
  html: z.string().optional(),
  autoReply: z.boolean(),
  bounce: z
    .object({
      originalMessageId: z.string().optional(),
      status: z.string().optional(),
      diagnostic: z.string().optional(),
    })
    .optional(),
  attachments: z.array(
    z.object({
      index: count,
      fileName: z.string().optional(),
      mimeType: z.string(),
      size: count,
      cid: z.string().optional(),
      inline: z.boolean(),
    }),
  ),
});
