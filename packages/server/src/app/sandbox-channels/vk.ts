/** @module app/sandbox-channels/vk — the sandbox's VK community on the local VK API simulator (Callback API mode) */
import { startVkSimulator } from '@switchboard/simulators';
import type { SandboxChannel, SandboxPhoneLine } from './channel.js';

interface Keyboard {
  buttons?: Array<Array<{ action: { type: string; label?: string; payload?: string } }>>;
}

export const vkSandbox: SandboxChannel = {
  type: 'vk',
  label: 'VK',
  // the app's vk glyph (packages/web/src/icons.tsx)
  icon: 'M3 7h3.5c.5 3 1.8 5 3.5 5.5V7h3v3c1.5-.3 3-1.8 3.6-3H20c-.5 2-2.2 4-3.8 4.8 1.8.7 3.3 2.4 4.3 5.2h-3.4c-.8-1.8-2-3-3.6-3.2V17h-.8C7.5 17 4 13.3 3 7z',
  async start() {
    const vk = await startVkSimulator({ callbackRetryScale: 0.01 });
    return {
      simulatorUrl: vk.url,
      connection: {
        type: 'vk',
        name: 'Sandbox VK community',
        config: { groupId: vk.groupId, accessToken: vk.token, apiBaseUrl: vk.url },
      },
      // the name the phone page asks for is what users.get gives for the new user
      createCustomer: (name) => {
        const [firstName = 'Customer', ...rest] = name.trim().split(/\s+/);
        return { id: String(vk.createUser({ firstName, lastName: rest.join(' ') })) };
      },
      sendText(id, text) {
        vk.customerMessage(Number(id), { text });
      },
      press(id, { messageId, buttonId }) {
        const user = Number(id);
        const sent = vk.sent.find((m) => m.peerId === user && m.conversationMessageId === Number(messageId));
        const text = (sent?.keyboard as Keyboard | undefined)?.buttons
          ?.flat()
          .find((b) => b.action.type === 'text' && b.action.payload === JSON.stringify({ id: buttonId }));
        // a text button (a list) sends its label with our payload; a callback button is a message_event
        if (text) vk.customerMessage(user, { text: text.action.label ?? '', payload: text.action.payload ?? '' });
        else vk.pressCallbackButton(user, { id: buttonId }, Number(messageId));
      },
      lines(id) {
        const user = Number(id);
        const lines: SandboxPhoneLine[] = [
          ...vk.customerMessages
            .filter((m) => m.userId === user)
            .map((m) => ({ at: m.at, direction: 'out' as const, text: m.text, messageId: m.conversationMessageId })),
          ...vk.sent
            .filter((m) => m.peerId === user)
            .map((m) => {
              const buttons = (m.keyboard as Keyboard | undefined)?.buttons
                ?.flat()
                .filter((b) => (b.action.type === 'callback' || b.action.type === 'text') && b.action.payload)
                .map((b) => ({
                  id: (JSON.parse(b.action.payload ?? '{}') as { id: string }).id,
                  title: b.action.label ?? '',
                }));
              return {
                at: m.at,
                direction: 'in' as const,
                text: m.text || (m.attachment ? `[${m.attachment}]` : ''),
                messageId: m.conversationMessageId,
                ...(buttons?.length ? { buttons } : {}),
              };
            }),
        ];
        return lines.sort((a, b) => a.at.localeCompare(b.at));
      },
      close: () => vk.close(),
    };
  },
};
