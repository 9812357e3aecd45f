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
} from './openai/simulator.js';
export type { OpenAiErrorBody } from './openai/errors.js';

export { startVkSimulator } from './vk/simulator.js';
export type { VkCallbackAttempt, VkSentMessage, VkSimulator, VkSimulatorOptions } from './vk/simulator.js';

export { startRcsSimulator } from './rcs/simulator.js';
export type { RcsAgentMessage, RcsSimulator, RcsSimulatorOptions } from './rcs/simulator.js';
