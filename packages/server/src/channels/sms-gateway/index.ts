/**
 * @module channels/sms-gateway — SMS through a self-hosted gateway: Kannel (https://www.kannel.org), the open-source
 * gateway operators and businesses run against their own SMSC or GSM modem, or in `http` mode any gateway speaking
 * the JSON contract of docs/channels/sms-gateway.md (an Android phone running an SMS gateway app).
 */
import {
  DEFAULT_HELP_KEYWORDS,
  DEFAULT_OPT_IN_KEYWORDS,
  DEFAULT_OPT_OUT_KEYWORDS,
  defineConnector,
} from '../../channel-kit/index.js';
import { prepareSmsGatewayConfig, smsGatewayConfigSchema, type SmsGatewayConfig } from './config.js';
import { parseSmsGateway, smsGatewayEventKey } from './parse.js';
import { checkGateway, smsGatewaySend } from './send.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySmsGateway } from './verify.js';

export const smsGatewayConnector = defineConnector({
  type: 'sms-gateway',
  displayName: 'SMS gateway (Kannel)',
  description: 'SMS through your own gateway: a Kannel smsbox, or an HTTP gateway such as an Android phone app.',
  limits: {
    inbound: ['text'],
    // 10 concatenated GSM-7 parts of 153 characters: what the default maxSegments lets Kannel send as one message
    maxTextLength: 1530,
    buttons: 0,
    // Kannel's DLRs report delivery, never reading (dlr-mask bits 1/2/8/16)
    receipts: { delivered: true, read: false },
    rateLimit: { perSecond: 10, burst: 10 },
    smsSegments: true,
  },
  addressKind: 'phone',
  configSchema: smsGatewayConfigSchema,
  // where each value a person brings is found at the provider (the form links it beside the field)
  configHelp: {
    apiBaseUrl: {
      title: 'Gateway URL',
      helpUrl: 'https://www.kannel.org/download/1.4.5/userguide-1.4.5/userguide.html#AEN4623',
    },
    password: {
      title: 'Gateway password',
      helpUrl: 'https://www.kannel.org/download/1.4.5/userguide-1.4.5/userguide.html#AEN4623',
    },
    from: {
      title: 'Sender number',
      helpUrl: 'https://www.kannel.org/download/1.4.5/userguide-1.4.5/userguide.html#AEN4623',
    },
  },
  prepareConfig: prepareSmsGatewayConfig,
  inbound: {
    mode: 'webhook',
    verify: verifySmsGateway,
    parse: parseSmsGateway,
    eventKey: smsGatewayEventKey,
    // Kannel's Basic auth carries the secret itself: a digest only; the http contract's signature re-verifies the body
    storedHeaders: { keep: ['content-type', SIGNATURE_HEADER, TIMESTAMP_HEADER], digest: ['authorization'] },
  },
  send: smsGatewaySend,
  features: {
    // no provider answers STOP here (Kannel forwards every message as it came), so the hub confirms it, as carrier
    // rules ask of every SMS sender (CTIA Messaging Principles and Best Practices)
    optOut: {
      defaults: {
        keywords: DEFAULT_OPT_OUT_KEYWORDS,
        optInKeywords: DEFAULT_OPT_IN_KEYWORDS,
        helpKeywords: DEFAULT_HELP_KEYWORDS,
        confirmation:
          'You are unsubscribed and will get no more messages from this number. Reply START to subscribe again.',
        optInConfirmation: 'You are subscribed again. Reply STOP to unsubscribe.',
      },
    },
  },
  start: (ctx) => checkGateway(ctx),
});

export type { SmsGatewayConfig };
