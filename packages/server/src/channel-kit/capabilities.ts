/**
 * @module channel-kit/capabilities
 * What a channel can carry, declared as data: the composer hides what is missing, the outbound worker degrades
 * or refuses, the pacer reads the limits.
 */
import type { ContentType } from '../model/index.js';

export interface RateLimit {
  /** sustained messages per second */
  perSecond: number;
  /** bucket size: how many may go at once after a quiet period */
  burst: number;
}

export interface Capabilities {
  /** content types the channel can send */
  outbound: readonly ContentType[];
  /** content types it can receive */
  inbound: readonly ContentType[];
  maxTextLength: number;
  /** max quick-reply buttons, 0 = none; more (or none at all) arrive as numbered text options (core/degradation) */
  buttons: number;
  /** max rows of an interactive list; undefined = the same as `buttons`. A longer list arrives as numbered text */
  listItems?: number;
  templates: boolean;
  typing: boolean;
  /** which receipts the provider reports; none → 'sent' is final */
  receipts: { delivered: boolean; read: boolean };
  /** the customer-service window in hours (WhatsApp 24); undefined = free-form at any time */
  windowHours?: number;
  /**
   * after `windowHours`, a human operator's reply (never a bot's) may still go until this many hours after the
   * customer's last message, sent marked as such (Messenger/Instagram HUMAN_AGENT: 168); undefined = no extension
   */
  humanAgentWindowHours?: number;
  /** pacing per connection (or per sender number when a connection owns several) */
  rateLimit?: RateLimit;
  /** pacing per recipient (Telegram 1/s per chat) */
  perRecipientRateLimit?: RateLimit;
  maxMediaBytes?: number;
  /**
   * this channel counts text in SMS segments (GSM-7 or UCS-2, channel-kit/sms.ts): the API's send answer and the
   * composer show the encoding and the number of segments, and a text longer than `maxTextLength` is refused (400)
   * rather than split, since the provider already concatenates segments into one message on the phone
   */
  smsSegments?: boolean;
  /**
   * the channel speaks what it sends (a phone call): each message sent replaces what the call is playing, so an
   * agent's replies of one turn go as one message, their texts joined in order (core/agents)
   */
  spoken?: boolean;
}
