// X-Twilio-Signature as Twilio computes it: base64 HMAC-SHA1 (Auth Token) over the URL followed by each POST
// parameter name + value, sorted by name (https://www.twilio.com/docs/usage/webhooks/webhooks-security).
import { createHmac } from 'node:crypto';

export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  let data = url;
  for (const name of Object.keys(params).sort()) data += name + params[name];
  return createHmac('sha1', authToken).update(data).digest('base64');
}
