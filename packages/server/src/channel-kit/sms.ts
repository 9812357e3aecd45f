/**
 * @module channel-kit/sms
 * SMS segments: how a text travels over SMS. GSM-7 (the 3GPP TS 23.038 default alphabet) carries 160 characters in
 * one message and 153 per part once it is split; a single character outside it (an emoji, most non-Latin scripts)
 * turns the whole text into UCS-2, 70 characters in one message and 67 per part. The count comes from Twilio's own
 * calculator (https://github.com/TwilioDevEd/message-segment-calculator, npm `sms-segments-calculator`), which also
 * knows the GSM extension table (€, [, ] take two septets) and surrogate pairs.
 */
import { SegmentedMessage } from 'sms-segments-calculator';

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegments {
  encoding: SmsEncoding;
  /** how many SMS the text is billed and sent as */
  count: number;
  /** characters as the phone shows them */
  characters: number;
  /** characters one part holds in this encoding once the text is split (153 or 67; 160 or 70 for a single part) */
  perSegment: number;
  /** the characters that forced UCS-2 (empty for GSM-7) */
  unicodeCharacters: string[];
}

const SINGLE: Record<SmsEncoding, number> = { 'GSM-7': 160, 'UCS-2': 70 };
const PART: Record<SmsEncoding, number> = { 'GSM-7': 153, 'UCS-2': 67 };

/** the encoding and segment count of a text sent as one SMS body (no smart replacement of quotes and dashes) */
export function smsSegments(text: string): SmsSegments {
  const message = new SegmentedMessage(text, 'auto', false);
  const encoding: SmsEncoding = message.encodingName === 'UCS-2' ? 'UCS-2' : 'GSM-7';
  const count = text.length === 0 ? 0 : message.segmentsCount;
  return {
    encoding,
    count,
    characters: message.numberOfCharacters,
    perSegment: count > 1 ? PART[encoding] : SINGLE[encoding],
    unicodeCharacters: [...new Set(message.getNonGsmCharacters())],
  };
}
