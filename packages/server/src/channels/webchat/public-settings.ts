/**
 * @module channels/webchat/public-settings
 * What the widget reads before any session (GET /webchat/{id}/settings): appearance, greeting, whether the chat
 * is inside its opening hours right now, and the offline behaviour. An explicit allow-list: never a secret.
 */
import { isWithinHours, type OpeningRange } from '../../channel-kit/index.js';
import { DEFAULT_OFFLINE_TEXT, type WebchatConfig } from './config.js';

export interface WebchatPublicSettings {
  appearance: { title: string; color: string; position: 'right' | 'left'; avatarUrl: string | null };
  greeting: string | null;
  /** inside the opening hours now (always true when hours are off) */
  open: boolean;
  operatingHours: { timeZone: string; schedule: OpeningRange[] } | null;
  offline: { mode: 'form' | 'message' | 'chat'; text: string };
}

export function webchatPublicSettings(config: WebchatConfig, now: Date): WebchatPublicSettings {
  // configs stored before a field existed lack its default: fill them here
  const hours = config.operatingHours;
  return {
    appearance: {
      title: config.title || 'Chat with us',
      color: config.color || '#2563eb',
      position: config.position === 'left' ? 'left' : 'right',
      avatarUrl: config.avatarUrl ?? null,
    },
    greeting: config.greeting ?? null,
    open: isWithinHours(hours, now),
    operatingHours: hours?.enabled ? { timeZone: hours.timeZone, schedule: hours.schedule } : null,
    offline: { mode: config.offline?.mode ?? 'form', text: config.offline?.text ?? DEFAULT_OFFLINE_TEXT },
  };
}
