/** @module channels/webchat/config — the webchat connection's settings; the session secret signs visitor tokens. */
import { z } from 'zod';
import { secret } from '../../channel-kit/index.js';

export const webchatConfigSchema = z.object({
  sessionSecret: secret(z.string().min(16), { generated: true, description: 'Signs visitor session tokens; generated when absent' }).optional(),
  title: z.string().max(80).default('Chat with us').describe('Widget title'),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/).default('#2563eb').describe('Accent colour'),
  greeting: z.string().max(500).optional().describe('First message shown to a visitor'),
});
export type WebchatConfig = z.infer<typeof webchatConfigSchema>;
