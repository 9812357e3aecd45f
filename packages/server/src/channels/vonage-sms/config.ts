/** @module channels/vonage-sms/config — a Vonage SMS connection's settings (https://developer.vonage.com/en/messages/overview, https://developer.vonage.com/en/messaging/sms/overview). */
import { z } from 'zod';
import { defaultRegionField, optOutField, secret } from '../../channel-kit/index.js';

/** how Vonage signs legacy SMS API webhooks (dashboard → API settings → signed SMS), https://developer.vonage.com/en/getting-started/concepts/signing-messages */
export const SIGNATURE_METHODS = ['md5hash', 'md5hmac', 'sha1hmac', 'sha256hmac', 'sha512hmac'] as const;

export const vonageConfigSchema = z.object({
  api: z
    .enum(['messages', 'sms'])
    .default('messages')
    .describe('Messages API (default, JWT-signed webhooks) or the legacy SMS API'),
  apiKey: z.string().min(1).describe('Vonage API key (dashboard → API settings)'),
  apiSecret: secret(z.string().min(1), { description: 'Vonage API secret' }),
  applicationId: z.string().optional().describe('Messages API: the Vonage application id'),
  privateKey: secret(z.string().optional(), {
    description: "Messages API: the application's private key (PEM); sends are signed with it",
  }),
  signatureSecret: secret(z.string().optional(), {
    description: 'Signature secret (dashboard → API settings): verifies every webhook',
  }),
  signatureMethod: z
    .enum(SIGNATURE_METHODS)
    .default('md5hash')
    .describe('Legacy SMS API: the signature method set in the dashboard'),
  from: z.string().min(1).describe('Sender: a Vonage virtual number (E.164) or an alphanumeric sender id'),
  apiBaseUrl: z
    .url()
    .optional()
    .describe('Override for both Vonage hosts (api.nexmo.com, rest.nexmo.com): a proxy or a simulator; unset = Vonage'),
  defaultRegion: defaultRegionField(),
  optOut: optOutField(),
});
export type VonageConfig = z.infer<typeof vonageConfigSchema>;

/** the two Vonage hosts: Messages + Applications on api.nexmo.com, SMS + account on rest.nexmo.com */
export function hosts(config: VonageConfig): { api: string; rest: string } {
  const base = config.apiBaseUrl?.replace(/\/+$/, '');
  return { api: base ?? 'https://api.nexmo.com', rest: base ?? 'https://rest.nexmo.com' };
}
