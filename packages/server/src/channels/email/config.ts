/** @module channels/email/config — one mailbox: IMAP in, SMTP out (docs/channels/email.md). */
import { z } from 'zod';
import { secret } from '../../channel-kit/index.js';

const server = (defaultPort: number) =>
  z.object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(defaultPort),
    /** implicit TLS from the first byte (IMAPS 993, SMTPS 465) */
    secure: z.boolean().default(true),
    user: z.string().min(1),
  });

export const emailConfigSchema = z.object({
  address: z.email().describe('The support address customers write to'),
  displayName: z.string().optional(),
  imap: server(993),
  smtp: server(465).extend({
    /** upgrade a plain connection with STARTTLS (port 587); refused when the server does not offer it */
    starttls: z.boolean().default(false),
  }),
  // secrets are top-level fields: the hub seals and masks a connection's top-level secret fields
  imapPassword: secret(z.string().min(1).optional(), { description: 'IMAP password (or leave empty with OAuth2)' }),
  smtpPassword: secret(z.string().min(1).optional(), { description: 'SMTP password (or leave empty with OAuth2)' }),
  /**
   * OAuth2 instead of passwords (Gmail and Microsoft 365 refuse basic auth): access tokens are refreshed from
   * `tokenUrl` with the refresh token and used over XOAUTH2 for IMAP and SMTP
   */
  auth: z
    .object({
      type: z.literal('oauth2'),
      clientId: z.string().min(1),
      tokenUrl: z.url({ protocol: /^https?$/ }),
    })
    .optional(),
  /**
   * the origin of an OAuth2 token endpoint on a private network (an on-premise identity server): the hub's
   * address guard lets this connection's requests reach exactly this origin
   */
  apiBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
  oauthClientSecret: secret(z.string().min(1).optional(), { description: 'OAuth2 client secret' }),
  oauthRefreshToken: secret(z.string().min(1).optional(), { description: 'OAuth2 refresh token of the mailbox' }),
  /** PEM of a CA to trust besides the system's (a private mail server); verification is never switched off */
  tlsCa: z.string().optional(),
  mailbox: z.string().min(1).default('INBOX'),
  afterImport: z
    .string()
    .regex(/^(seen|none|move:.+)$/, 'seen, none or move:<folder>')
    .default('seen'),
  /** where our sent mail is appended; found by its \Sent SPECIAL-USE flag (RFC 6154) when absent */
  sentFolder: z.string().optional(),
  initialSyncDays: z.number().int().min(0).max(3650).default(7),
  signature: z.string().optional(),
  /** how often a server without IDLE is polled, and the longest IDLE before it is renewed (RFC 2177: < 29 min) */
  pollSeconds: z.number().int().min(1).max(1740).default(60),
  maxAttachmentBytes: z
    .number()
    .int()
    .positive()
    .default(25 * 1024 * 1024),
});
export type EmailConfig = z.infer<typeof emailConfigSchema>;

export function moveTarget(config: EmailConfig): string | undefined {
  return config.afterImport.startsWith('move:') ? config.afterImport.slice('move:'.length) : undefined;
}
