/** @module app/sandbox-channels/instagram — the sandbox's Instagram account on the local Messenger Platform simulator */
import type { SandboxChannel } from './channel.js';
import { metaSandbox } from './messenger.js';

export const instagramSandbox: SandboxChannel = metaSandbox('instagram', {
  type: 'instagram',
  label: 'Instagram',
  emoji: '📸',
});
