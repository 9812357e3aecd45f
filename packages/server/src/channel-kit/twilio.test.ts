/**
 * The kit's X-Twilio-Signature against the official `twilio` package's validateRequest: Twilio's documented test
 * vector, every URL spelling Twilio signs (with and without the default port) accepted exactly when the official
 * helper accepts it, repeated parameters, and a missing or wrong signature refused.
 */
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { signedData, twilioSignature, urlVariants, verifyTwilioSignature } from './twilio.js';
import type { WebhookRequest } from './connector.js';

const params = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+12349013030',
  Digits: '1234',
  From: '+12349013030',
  To: '+18005551212',
};
const asMap = (p: Record<string, string>) => new Map(Object.entries(p).map(([k, v]) => [k, [v]]));
const request = (url: string, signature: string | undefined): WebhookRequest => ({
  method: 'POST',
  url,
  headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
  query: {},
  rawBody: Buffer.from(new URLSearchParams(params).toString()),
});

describe('X-Twilio-Signature against the official twilio package', () => {
  it("computes Twilio's documented test vector", () => {
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    expect(twilioSignature('12345', url, asMap(params))).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(twilio.validateRequest('12345', '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', url, params)).toBe(true);
    expect(verifyTwilioSignature(request(url, '0/KCTR6DLpKmkAf8muzZqo1nDgQ='), '12345')).toEqual({ ok: true });
  });

  it('accepts exactly what validateRequest accepts, for every URL spelling Twilio signs', () => {
    const token = 'twilio-auth-token-kit-0001';
    const urls = [
      'https://hub.example.com/webhooks/conn_1',
      'https://hub.example.com:443/webhooks/conn_1',
      'http://hub.example.com/webhooks/conn_1?x=1',
      'http://hub.example.com:80/webhooks/conn_1',
      'https://hub.example.com:8443/webhooks/conn_1',
    ];
    for (const signedUrl of urls)
      for (const calledUrl of urls) {
        const signature = twilioSignature(token, signedUrl, asMap(params));
        const ours = verifyTwilioSignature(request(calledUrl, signature), token).ok;
        const official = twilio.validateRequest(token, signature, calledUrl, params);
        expect(ours, `${signedUrl} called as ${calledUrl}`).toBe(official);
      }
  });

  it('signs repeated parameters like the official helper', () => {
    const map = new Map([
      ['MediaUrl', ['b', 'a']],
      ['Body', ['x']],
    ]);
    expect(signedData('https://h/x', map)).toBe('https://h/xBodyxMediaUrlaMediaUrlb');
    expect(urlVariants('https://h.example/x')).toContain('https://h.example:443/x');
  });

  it('refuses a missing signature, a wrong token and an unconfigured token', () => {
    const url = 'https://hub.example.com/webhooks/conn_1';
    const good = twilioSignature('right', url, asMap(params));
    expect(verifyTwilioSignature(request(url, undefined), 'right')).toMatchObject({ ok: false, status: 401 });
    expect(verifyTwilioSignature(request(url, good), 'wrong')).toMatchObject({ ok: false, status: 401 });
    expect(verifyTwilioSignature(request(url, good), '')).toMatchObject({ ok: false, status: 401 });
  });
});
