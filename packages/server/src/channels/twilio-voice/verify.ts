/**
 * @module channels/twilio-voice/verify — X-Twilio-Signature on every voice webhook, by the kit's Twilio signature
 * (channel-kit/twilio.ts, https://www.twilio.com/docs/usage/webhooks/webhooks-security): the step query of our URLs
 * is part of what Twilio signs. The dedup key of each step: Twilio retries a webhook with the same parameters.
 */
import {
  formParams,
  TWILIO_SIGNATURE_HEADER,
  verifyTwilioSignature,
  type Verdict,
  type WebhookRequest,
} from '../../channel-kit/index.js';
import type { TwilioVoiceConfig } from './config.js';

export const SIGNATURE_HEADER = TWILIO_SIGNATURE_HEADER;

export function verifyTwilioVoice(req: WebhookRequest, config: TwilioVoiceConfig): Verdict {
  return verifyTwilioSignature(req, config.authToken);
}

/** the step a request is for: our own URLs carry it; the number's Voice URL has none (a new call) */
export function stepOf(req: Pick<WebhookRequest, 'url'>): string {
  try {
    return new URL(req.url).searchParams.get('step') ?? 'call';
  } catch {
    return 'call';
  }
}

export function twilioVoiceEventKey(req: WebhookRequest): string | undefined {
  const params = formParams(req);
  const call = params.get('CallSid')?.[0];
  if (!call) return undefined;
  // the hub's own update of a call fetched at start (api.ts reconcileCalls): once per call
  if (req.url.startsWith('listen:')) return `reconciled:${call}`;
  const step = stepOf(req);
  const url = new URL(req.url);
  switch (step) {
    case 'call':
    case 'answered':
      return `${step}:${call}`;
    case 'gather':
      return `gather:${call}:${url.searchParams.get('g') ?? ''}`;
    case 'status':
      return `status:${call}:${params.get('CallStatus')?.[0] ?? ''}`;
    case 'transcribed':
      return `transcribed:${params.get('RecordingSid')?.[0] ?? call}`;
    case 'recording':
      return `recording:${params.get('RecordingSid')?.[0] ?? call}:${params.get('RecordingStatus')?.[0] ?? ''}`;
    default:
      // listen, dialed, recorded: answered afresh each time, nothing of theirs is stored twice
      return undefined;
  }
}
