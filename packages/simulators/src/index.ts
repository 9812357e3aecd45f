// @switchboard/simulators: faithful local Telegram Bot API and WhatsApp Cloud API servers for tests, benchmarks and
// `switchboard sandbox` (behaviour per docs/reference https://core.telegram.org/bots/api and https://developers.facebook.com/docs/whatsapp/cloud-api; see README.md for the control API).
export { startTelegramSimulator } from './telegram/simulator.js';
export type {
  TelegramApiCall,
  TelegramBotInfo,
  TelegramFaultError,
  TelegramFaultInput,
  TelegramSimulator,
  TelegramSimulatorOptions,
  TelegramStoredMessage,
} from './telegram/simulator.js';
export type { CustomerMessageResult, CustomerTarget, SendMediaInput, SendTextInput } from './telegram/customer.js';
export type { TelegramRateLimits } from './telegram/rate-limits.js';
export type { TelegramWebhookAttempt } from './telegram/webhook-delivery.js';
export type {
  CallbackAnswerRecord,
  ChatActionRecord,
  CreateBotInput,
  CreateGroupInput,
  CreateUserInput,
  FileKind,
} from './telegram/state.js';
export type * as Telegram from './telegram/types.js';

export { startWhatsAppSimulator } from './whatsapp/simulator.js';
export type {
  CustomerView,
  WhatsAppDefaults,
  WhatsAppFaultInput,
  WhatsAppSeed,
  WhatsAppSimulator,
  WhatsAppSimulatorOptions,
} from './whatsapp/simulator.js';
export type { CustomerInput, InboundMediaType, InboundResult } from './whatsapp/customer.js';
export type { AsyncFailureSpec } from './whatsapp/graph-context.js';
export type { GraphErrorSpec } from './whatsapp/graph-errors.js';
export type { GraphCall } from './whatsapp/graph-routes.js';
export type { WhatsAppRateLimits } from './whatsapp/rate-limits.js';
export type { ReceiptTimings } from './whatsapp/receipts.js';
export type { InboundRecord, OutboundRecord, StatusRecord, TemplateRecord } from './whatsapp/state.js';
export type { WhatsAppDelivery, WhatsAppDeliveryAttempt, WhatsAppWebhookOptions } from './whatsapp/webhook-delivery.js';
export type { VerificationResult } from './whatsapp/webhook-verification.js';
export type * as WhatsApp from './whatsapp/types.js';

// OpenAI-compatible API (chat completions with tool calls, models, audio transcriptions) for the hub's llm agents
export { startOpenAiSimulator } from './openai/simulator.js';
export type {
  ChatRule,
  OpenAiCall,
  OpenAiErrorSpec,
  OpenAiSimulator,
  OpenAiSimulatorOptions,
  TranscriptScores,
} from './openai/simulator.js';
export type { OpenAiErrorBody } from './openai/errors.js';

// Bird platform (channels API, webhook subscriptions signed with messagebird-signature)
export { startBirdSimulator } from './bird/simulator.js';
export type {
  BirdChannelRecord,
  BirdCustomerInput,
  BirdFaultInput,
  BirdMessageRecord,
  BirdSimulator,
  BirdSimulatorOptions,
  BirdTemplateProject,
} from './bird/simulator.js';
export { signBirdWebhook } from './bird/webhook-delivery.js';
export type { BirdDelivery, BirdSubscription } from './bird/webhook-delivery.js';
export { BIRD_ERRORS } from './bird/errors.js';
export type { BirdErrorSpec } from './bird/errors.js';
// Vonage (Nexmo): the Messages API and the legacy SMS API, with signed webhooks
export { startVonageSimulator } from './vonage/simulator.js';
export type {
  VonageFaultError,
  VonageOperation,
  VonageOutbound,
  VonageSimulator,
  VonageSimulatorOptions,
  VonageWebhookAttempt,
} from './vonage/simulator.js';
export { legacySig as vonageLegacySig, signWebhookJwt as signVonageWebhookJwt } from './vonage/signing.js';
export type { SignatureMethod as VonageSignatureMethod } from './vonage/signing.js';
// Twilio Programmable Messaging (SMS/MMS) with signed webhooks, status callbacks and Advanced Opt-Out
export { startTwilioSimulator } from './twilio/simulator.js';
export type {
  TwilioErrorSpec,
  TwilioFaultInput,
  TwilioMessage,
  TwilioSimulator,
  TwilioSimulatorOptions,
  TwilioWebhookAttempt,
  CallerLine,
  CalleeBehaviour,
  OperatorBehaviour,
  SimCall,
  SimRecording,
} from './twilio/simulator.js';
export { pcmWav, readWav } from './twilio/wav.js';
// Messenger Platform (Facebook Messenger and Instagram messaging): Pages, IG accounts, the Send API, signed webhooks
export { startMetaMessagingSimulator } from './meta-messaging/simulator.js';
export type {
  MetaAccount,
  MetaAccountKind,
  AccountInput as MetaAccountInput,
  MetaGraphErrorSpec,
  MetaMessagingSimulator,
  MetaMessagingSimulatorOptions,
  MetaReceivedRecord,
  MetaSentRecord,
  MetaSenderActionRecord,
} from './meta-messaging/simulator.js';
export { startVkSimulator } from './vk/simulator.js';
export type { VkCallbackAttempt, VkSentMessage, VkSimulator, VkSimulatorOptions } from './vk/simulator.js';

export { startRcsSimulator } from './rcs/simulator.js';
export type { RcsAgentMessage, RcsSimulator, RcsSimulatorOptions } from './rcs/simulator.js';
// Infobip: SMS, WhatsApp and Viber sends, batched inbound and delivery / seen reports with the account's authorization header
export { startInfobipSimulator } from './infobip/simulator.js';
export type {
  InfobipChannelName,
  InfobipCustomerInput,
  InfobipFaultInput,
  InfobipReceivedRecord,
  InfobipSentRecord,
  InfobipSimulator,
  InfobipSimulatorOptions,
  InfobipTemplateRecord,
} from './infobip/simulator.js';
export type { InfobipPush, InfobipPushAttempt } from './infobip/webhook-delivery.js';
export { INFOBIP_ERRORS, INFOBIP_REPORT_ERRORS, INFOBIP_STATUSES } from './infobip/errors.js';
export type { InfobipErrorSpec, InfobipStatusObject } from './infobip/errors.js';

// a phone-based SMS gateway app speaking the hub's sms-gateway http contract (signed JSON events, bearer-token sends)
export { startSmsGatewaySimulator, signGatewayEvent } from './sms-gateway/simulator.js';
export type { GatewaySent, SmsGatewaySimulator, SmsGatewaySimulatorOptions } from './sms-gateway/simulator.js';

// Intercom (REST API as an admin, conversations and parts, X-Hub-Signature webhooks, 10-second rate-limit windows)
export { startIntercomSimulator, INTERCOM_TOPICS } from './intercom/simulator.js';
export type {
  IntercomAdmin,
  IntercomApiCall,
  IntercomApiPart,
  IntercomAttachment,
  IntercomContact,
  IntercomConversationRecord,
  IntercomFaultInput,
  IntercomFile,
  IntercomPart,
  IntercomSimulator,
  IntercomSimulatorOptions,
} from './intercom/simulator.js';
export { signIntercomWebhook } from './intercom/webhook-delivery.js';
export type { IntercomDelivery, IntercomDeliveryAttempt } from './intercom/webhook-delivery.js';
export { INTERCOM_ERRORS } from './intercom/errors.js';
export type { IntercomErrorSpec } from './intercom/errors.js';

// WhatsApp On-Premises API: one business number's Coreapp (basic-auth login, expiring bearer tokens, flat webhooks)
export { startWhatsAppOnPremSimulator } from './whatsapp-onpremise/simulator.js';
export type {
  CoreappCall,
  CoreappCustomerInput,
  CoreappFaultInput,
  CoreappInbound,
  CoreappMediaType,
  CoreappOutbound,
  CoreappSimulatorOptions,
  CoreappTemplate,
  ReceiptTimings as CoreappReceiptTimings,
  WhatsAppOnPremSimulator,
} from './whatsapp-onpremise/simulator.js';
export { COREAPP_ERRORS } from './whatsapp-onpremise/errors.js';
export type { CoreappErrorSpec } from './whatsapp-onpremise/errors.js';
export type { CoreappDelivery, CoreappWebhookOptions } from './whatsapp-onpremise/webhooks.js';

// Facebook Login ("Connect with Meta"): the OAuth dialog, code exchange, long-lived tokens, me/accounts, debug_token
export { startMetaLoginSimulator } from './meta-login/simulator.js';
export type {
  MetaLoginCall,
  MetaLoginPage,
  MetaLoginSimulator,
  MetaLoginSimulatorOptions,
  MetaLoginWaba,
} from './meta-login/simulator.js';

export { pictureFor, solidPng } from './media/solid-png.js';
