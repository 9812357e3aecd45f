/** @module channels — the registry of connectors this build offers. Adding a channel = one line here. */
import type { AnyConnector } from '../channel-kit/index.js';
import { webchatConnector } from './webchat/index.js';
import { telegramConnector } from './telegram/index.js';
import { whatsappConnector } from './whatsapp/index.js';
import { birdConnector } from './bird/index.js';
import { vonageSmsConnector } from './vonage-sms/index.js';
import { emailConnector } from './email/index.js';
import { twilioSmsConnector } from './twilio-sms/index.js';
import { messengerConnector } from './messenger/index.js';
import { instagramConnector } from './instagram/index.js';
import { vkConnector } from './vk/index.js';
import { rcsConnector } from './rcs/index.js';
import { infobipConnector } from './infobip/index.js';
import { smsGatewayConnector } from './sms-gateway/index.js';
import { intercomConnector } from './intercom/index.js';
import { whatsappOnPremConnector } from './whatsapp-onpremise/index.js';
import { twilioVoiceConnector } from './twilio-voice/index.js';
import { sipConnector } from './sip/index.js';

export const connectors: AnyConnector[] = [
  webchatConnector,
  telegramConnector,
  whatsappConnector,
  birdConnector,
  vonageSmsConnector,
  emailConnector,
  twilioSmsConnector,
  messengerConnector,
  instagramConnector,
  vkConnector,
  rcsConnector,
  infobipConnector,
  smsGatewayConnector,
  intercomConnector,
  whatsappOnPremConnector,
  twilioVoiceConnector,
  sipConnector,
];
