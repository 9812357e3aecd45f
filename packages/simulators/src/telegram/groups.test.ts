import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callBotApi } from '../testing/bot-api-client.js';
import { startTelegramSimulator, type TelegramSimulator } from './simulator.js';

let sim: TelegramSimulator;
let token: string;
const api = (method: string, params: Record<string, unknown> = {}) => callBotApi(sim.url, token, method, params);

beforeEach(async () => {
  sim = await startTelegramSimulator({ rateLimits: { perGroupPerMinute: 2 } });
  token = sim.defaultBot!.token;
});
afterEach(async () => {
  await sim.close();
});

describe('groups, privacy mode and membership updates', () => {
  it('only shows commands, mentions and replies to a bot in privacy mode', async () => {
    const alice = sim.createUser({ firstName: 'Alice' });
    const group = sim.createGroup({ title: 'Team', type: 'supergroup', members: [alice.id], botTokens: [token] });
    expect(group.id).toBeLessThan(-1_000_000_000_000);
    expect(sim.sendText({ token, from: alice.id, chatId: group.id, text: 'chit chat' }).update).toBeUndefined();
    expect(sim.sendText({ token, from: alice.id, chatId: group.id, text: '/help' }).update).toBeDefined();
    expect(
      sim.sendText({ token, from: alice.id, chatId: group.id, text: `hey @${sim.defaultBot!.user.username}` }).update,
    ).toBeDefined();
    const updates = (await api('getUpdates')).body.result;
    expect(
      updates.map((u: { message: { text: string; chat: { type: string } } }) => [u.message.text, u.message.chat.type]),
    ).toEqual([
      ['/help', 'supergroup'],
      [`hey @${sim.defaultBot!.user.username}`, 'supergroup'],
    ]);
  });

  it('applies the per-group limit and rejects groups the bot is not in', async () => {
    const alice = sim.createUser();
    const group = sim.createGroup({ title: 'Busy', members: [alice.id], botTokens: [token] });
    expect((await api('sendMessage', { chat_id: group.id, text: '1' })).status).toBe(200);
    expect((await api('sendMessage', { chat_id: group.id, text: '2' })).status).toBe(200);
    const limited = await api('sendMessage', { chat_id: group.id, text: '3' });
    expect(limited.body).toMatchObject({ error_code: 429, parameters: { retry_after: 30 } });
    const other = sim.createGroup({ title: 'Elsewhere', members: [alice.id] });
    expect((await api('sendMessage', { chat_id: other.id, text: 'x' })).body.description).toBe(
      'Forbidden: bot is not a member of the group chat',
    );
  });

  it('sends my_chat_member when a user blocks and unblocks the bot', async () => {
    const bob = sim.createUser({ startedWith: [token] });
    sim.blockBot({ token, userId: bob.id });
    sim.unblockBot({ token, userId: bob.id });
    const updates = (await api('getUpdates')).body.result;
    expect(
      updates.map(
        (u: { my_chat_member: { new_chat_member: { status: string } } }) => u.my_chat_member.new_chat_member.status,
      ),
    ).toEqual(['kicked', 'member']);
    expect((await api('sendMessage', { chat_id: bob.id, text: 'welcome back' })).status).toBe(200);
  });
});
