/** @module app/sandbox-channels/instagram — the sandbox's Instagram account on the local Messenger Platform simulator */
import type { SandboxChannel } from './channel.js';
import { metaSandbox } from './messenger.js';

export const instagramSandbox: SandboxChannel = metaSandbox('instagram', {
  type: 'instagram',
  label: 'Instagram',
  // the app's instagram glyph (packages/web/src/icons.tsx)
  icon: 'M7 3h10a4 4 0 0 1 4 4v10a4 4 0 0 1-4 4H7a4 4 0 0 1-4-4V7a4 4 0 0 1 4-4zM12 16a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM17.5 6.5v.01',
});
