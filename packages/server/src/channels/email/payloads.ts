/** @module channels/email/payloads — a fetched mail as the listener hands it to the hub (parsed once, stored raw). */
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
