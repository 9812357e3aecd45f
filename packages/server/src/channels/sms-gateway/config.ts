/**
 * @module channels/sms-gateway/config — a self-hosted SMS gateway connection: a Kannel smsbox (sendsms, dlr-url and an
 * sms-service get-url, https://www.kannel.org/download/1.4.5/userguide-1.4.5/userguide.html) or, in `http` mode, any
 * gateway (an Android phone running an SMS gateway app) that speaks the small JSON contract of docs/channels/sms-gateway.md.
 */
import { z } from 'zod';
import { adminOnly, defaultRegionField, optOutField, secret } from '../../channel-kit/index.js';

/** Kannel's default sendsms path (smsbox group `sendsms-url`) */
export const KANNEL_SEND_PATH = '/cgi-bin/sendsms';
/** the http contract's send endpoint */
export const HTTP_SEND_PATH = '/messages';
/** the basic-auth user name Kannel's get-url and dlr-url present; the password is the inbound secret */
export const INBOUND_USER = 'switchboard';

export const smsGatewayConfigSchema = z
  .object({
    mode: z
      .enum(['kannel', 'http'])
      .default('kannel')
      .describe('kannel: a Kannel smsbox (sendsms + sms-service); http: a gateway speaking the JSON contract'),
    apiBaseUrl: z
      .url()
      .describe('The gateway base URL, e.g. http://kannel.internal:13013 (the smsbox sendsms-port); may be private'),
    sendPath: z
      .string()
      .regex(/^\/[^\s?#]*$/, 'a path such as /cgi-bin/sendsms')
      .optional()
      .describe('Path of the send endpoint; default /cgi-bin/sendsms (kannel) or /messages (http)'),
    username: z.string().min(1).optional().describe('Kannel: the sendsms-user username'),
    password: secret(z.string().min(1), {
      description: 'Kannel: the sendsms-user password; http: the bearer token the gateway expects',
    }),
    from: z.string().min(1).max(20).describe('Sender: our number or short code (Kannel `from`)'),
    smsc: z.string().min(1).optional().describe('Kannel: the smsc-id to route through (sendsms `smsc`); unset = any'),
    dlrMask: z
      .number()
      .int()
      .min(0)
      .max(31)
      .default(31)
      .describe('Kannel dlr-mask: 1 delivered, 2 failed, 4 buffered, 8 accepted by the SMSC, 16 rejected (31 = all)'),
    maxSegments: z
      .number()
      .int()
      .min(1)
      .max(255)
      .default(10)
      .describe('Most SMS parts one message may take; the sendsms-user needs max-messages at least this'),
    // the admin pastes it into kannel.conf (or the gateway app), so it is shown to owners and admins, like WhatsApp's verify token
    inboundSecret: adminOnly(z.string().min(16).optional(), {
      description:
        'Password of the inbound and delivery-report URLs (Kannel: http://switchboard:<secret>@…; http: the HMAC key); generated when absent, shown to owners and admins only',
    }),
    messagesPerSecond: z
      .number()
      .positive()
      .max(1000)
      .default(10)
      .describe("Throughput towards the gateway (the SMSC's or the phone's rate)"),
    defaultRegion: defaultRegionField(),
    optOut: optOutField(),
  })
  .refine((c) => c.mode !== 'kannel' || c.username !== undefined, {
    message: 'a Kannel connection needs the sendsms-user username',
    path: ['username'],
  })
  .refine((c) => c.inboundSecret === undefined || /^[A-Za-z0-9_-]+$/.test(c.inboundSecret), {
    // Kannel puts the password of a URL's userinfo into Basic auth as written, so it must need no escaping
    message: 'letters, digits, - and _ only',
    path: ['inboundSecret'],
  });
export type SmsGatewayConfig = z.infer<typeof smsGatewayConfigSchema>;

export const sendPathOf = (config: SmsGatewayConfig): string =>
  config.sendPath ?? (config.mode === 'http' ? HTTP_SEND_PATH : KANNEL_SEND_PATH);

export function prepareSmsGatewayConfig(config: SmsGatewayConfig, generateSecret: () => string): SmsGatewayConfig {
  if (config.inboundSecret) return config;
  let token = '';
  for (let i = 0; i < 8 && token.length < 32; i++) token += generateSecret().replace(/[^A-Za-z0-9_-]/g, '');
  if (token.length < 16) throw new Error('could not generate an inbound secret');
  return { ...config, inboundSecret: token.slice(0, 64) };
}
