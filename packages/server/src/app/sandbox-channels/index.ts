/** @module app/sandbox-channels — the channels `switchboard sandbox` simulates. Adding one = one line here. */
import type { SandboxChannel } from './channel.js';
import { telegramSandbox } from './telegram.js';
import { whatsappSandbox } from './whatsapp.js';
import { birdSandbox } from './bird.js';
import { vonageSmsSandbox } from './vonage-sms.js';
import { twilioSmsSandbox } from './twilio-sms.js';
import { messengerSandbox } from './messenger.js';
import { instagramSandbox } from './instagram.js';
import { vkSandbox } from './vk.js';
import { rcsSandbox } from './rcs.js';
import { infobipSandbox } from './infobip.js';
import { smsGatewaySandbox } from './sms-gateway.js';
import { intercomSandbox } from './intercom.js';
import { whatsappOnPremSandbox } from './whatsapp-onpremise.js';

export const sandboxChannels: SandboxChannel[] = [
  telegramSandbox,
  whatsappSandbox,
  birdSandbox,
  vonageSmsSandbox,
  twilioSmsSandbox,
  messengerSandbox,
  instagramSandbox,
  vkSandbox,
  rcsSandbox,
  infobipSandbox,
  smsGatewaySandbox,
  intercomSandbox,
  whatsappOnPremSandbox,
];
export type { SandboxChannel, SandboxChannelHandle, SandboxPhoneLine } from './channel.js';
