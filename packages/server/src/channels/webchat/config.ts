/**
 * @module channels/webchat/config — the webchat connection's settings: the session secret signs visitor tokens;
 * appearance, greeting, opening hours and the offline behaviour are public (GET /webchat/{id}/settings).
 */
import { z } from 'zod';
import { OperatingHoursSchema, secret } from '../../channel-kit/index.js';

export const OFFLINE_MODES = ['form', 'message', 'chat'] as const;
export const DEFAULT_OFFLINE_TEXT =
  'We are away right now. Leave your email and a message, and we will get back to you.';

export const webchatOfflineSchema = z.object({
  /** form: "leave your email" instead of the chat; message: only the text; chat: chat anyway (answered later) */
  mode: z.enum(OFFLINE_MODES).default('form'),
  text: z.string().max(500).default(DEFAULT_OFFLINE_TEXT),
});

export const webchatConfigSchema = z.object({
  sessionSecret: secret(z.string().min(16), {
    generated: true,
    description: 'Signs visitor session tokens; generated when absent',
  }).optional(),
  // appearance: flat fields, so the schema-driven "add connection" form and existing configs keep working
  title: z.string().max(80).default('Chat with us').describe('Widget title'),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .default('#2563eb')
    .describe('Accent colour'),
  position: z.enum(['right', 'left']).default('right').describe('Launcher position (bottom right or bottom left)'),
  avatarUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .optional()
    .describe('Avatar image shown in the widget header (https URL)'),
  greeting: z.string().max(500).optional().describe('First message shown to a visitor'),
  operatingHours: OperatingHoursSchema.optional().describe('Opening hours; outside them the offline behaviour applies'),
  offline: webchatOfflineSchema.optional().describe('What visitors see outside the opening hours'),
});
export type WebchatConfig = z.infer<typeof webchatConfigSchema>;
