import { describe, expect, it } from 'vitest';
import { ApiError, type JsonSchema, type Message, type User } from '../../sdk/src/index.ts';
import { namedIds } from './automation/ConversationTimeline.tsx';
import { authorOf, statusTitle } from './conversation/MessageItem.tsx';
import { alreadySent } from './conversation/TemplatePicker.tsx';
import { addressLabel, attributeLabel, contactName } from './format.ts';
import { fieldHint } from './settings/ConnectionForm.tsx';

const message = (over: Partial<Message>): Message => ({
  id: 'msg_1',
  conversationId: 'conv_1',
  connectionId: 'conn_1',
  channelType: 'webchat',
  direction: 'outbound',
  from: '',
  to: 'vis_01m8abcd1f3a',
  content: { type: 'text', text: 'hi' },
  status: 'sent',
  statusDetail: null,
  providerMessageId: null,
  timestamp: '2026-03-01T10:00:00.000Z',
  editedAt: null,
  metadata: {},
  ...over,
});

describe('what the operator reads instead of ids', () => {
  it('writes a web chat visitor as "Visitor" and the id\'s last four characters; other addresses as they are', () => {
    expect(addressLabel('vis_01m8abcd1F3A')).toBe('Visitor 1f3a');
    expect(addressLabel('+4915111111111')).toBe('+4915111111111');
    expect(addressLabel('ana@example.com')).toBe('ana@example.com');
    expect(contactName(undefined, { address: 'vis_01m8abcd1f3a' } as never)).toBe('Visitor 1f3a');
    expect(contactName({ name: 'Rita' } as never, { address: 'vis_01m8abcd1f3a' } as never)).toBe('Rita');
  });

  it("reads a contact attribute's key as words: first_name and firstName are First name", () => {
    expect(['first_name', 'firstName', 'vkProfileUrl', 'tier'].map(attributeLabel)).toEqual([
      'First name',
      'First name',
      'Vk profile url',
      'Tier',
    ]);
  });
  it('names agents, people and teams inside free text, and never shows the id when a name is unknown', () => {
    const names = {
      agents: new Map([['agt_01abc', 'Greeter bot']]),
      users: new Map([['usr_01def', 'Rita']]),
      teams: new Map<string, string>(),
    };
    expect(namedIds("the connection's inbound agent agt_01abc answers; usr_01def; team_01zzz", names)).toBe(
      "the connection's inbound agent Greeter bot answers; Rita; a team",
    );
  });

  it('says who wrote a message: the bot by name, an automatic reply, the operator (You for oneself)', () => {
    const users = new Map<string, User>([['usr_rita', { id: 'usr_rita', name: 'Rita', email: 'r@x.test' } as User]]);
    expect(authorOf(message({ metadata: { agentId: 'agt_1', agentName: 'Greeter' } }), users)).toEqual({
      kind: 'bot',
      name: 'Greeter',
    });
    expect(authorOf(message({ metadata: { autoReply: true } }), users)?.kind).toBe('automation');
    expect(authorOf(message({ metadata: { operatorId: 'usr_rita' } }), users)).toEqual({
      kind: 'operator',
      name: 'Rita',
    });
    expect(authorOf(message({ metadata: { operatorId: 'usr_rita' } }), users, 'usr_rita')?.name).toBe('You');
    expect(authorOf(message({ metadata: { operatorId: 'usr_gone' } }), users)?.name).toBe('A teammate');
    expect(authorOf(message({ direction: 'inbound', metadata: { operatorId: 'usr_rita' } }), users)).toBeNull();
  });

  it('the status tooltip gives the time of the status change apart from the send time, and the provider note', () => {
    const read = statusTitle(message({ status: 'read', statusAt: '2026-03-01T10:05:00.000Z' }));
    expect(read.startsWith(`read at ${new Date('2026-03-01T10:05:00.000Z').toLocaleString()}`)).toBe(true);
    expect(read).toContain(`written ${new Date('2026-03-01T10:00:00.000Z').toLocaleString()}`);
    const failed = statusTitle(
      message({ status: 'failed', statusDetail: { code: '131026', message: 'undeliverable' } }),
    );
    expect(failed).toContain('provider: 131026: undeliverable');
  });

  it('reads a 409 for a template that waits for the customer as "already sent", with its conversation', () => {
    const err = new ApiError(409, 'CONFLICT', 'a template was already sent…', {
      conversationId: 'conv_9',
      lastTemplateAt: '2026-03-01T10:00:00.000Z',
    });
    expect(alreadySent(err)).toEqual({ conversationId: 'conv_9', at: '2026-03-01T10:00:00.000Z' });
    expect(alreadySent(new ApiError(409, 'CONFLICT', 'other'))).toBeUndefined();
    expect(alreadySent(new Error('x'))).toBeUndefined();
  });

  it('says each connection-form hint once: a generated field is not announced twice, a learned one says so', () => {
    const generated: JsonSchema = {
      type: 'string',
      description: 'Signs tokens; generated when absent',
      'x-generated': true,
    };
    expect(fieldHint(generated, false)).toBe('Signs tokens; generated when absent');
    expect(fieldHint({ type: 'string', 'x-generated': true }, false)).toBe('Optional: generated when left empty.');
    expect(fieldHint({ type: 'string', 'x-learned': true, description: 'The bot name' }, true)).toBe(
      'The bot name Filled in by the hub when the connection starts.',
    );
  });
});

describe('the conversation header', () => {
  it('says the time a window has left in hours and minutes', async () => {
    const { timeLeft } = await import('./conversation/ConversationMeta.tsx');
    expect(timeLeft(13 * 3_600_000 + 20 * 60_000)).toBe('13 h 20 min');
    expect(timeLeft(2 * 3_600_000)).toBe('2 h');
    expect(timeLeft(45 * 60_000 + 10_000)).toBe('45 min');
    expect(timeLeft(5_000)).toBe('less than a minute');
  });
});
