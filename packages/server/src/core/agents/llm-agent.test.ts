/** What the model reads: the unified conversation as chat messages, with the handoff tool. */
import { describe, expect, it } from 'vitest';
import { LlmConfigSchema } from './agent-config.js';
import { buildChatRequest, contentAsText } from './llm-agent.js';

describe('llm request', () => {
  it('summarises non-text content and uses transcripts for voice messages', () => {
    expect(
      contentAsText({ type: 'audio', media: { url: 'u', mimeType: 'audio/ogg' } }, { transcript: 'hello there' }),
    ).toBe('hello there');
    expect(contentAsText({ type: 'audio', media: { url: 'u', mimeType: 'audio/ogg' } })).toBe('[voice message]');
    expect(contentAsText({ type: 'image', media: { url: 'u', mimeType: 'image/png', caption: 'my receipt' } })).toBe(
      '[image: my receipt]',
    );
    expect(
      contentAsText({ type: 'interactive', interactive: { kind: 'button_reply', reply: { id: 'y', title: 'Yes' } } }),
    ).toBe('Yes');
    expect(contentAsText({ type: 'location', location: { latitude: 1, longitude: 2, name: 'Home' } })).toBe(
      '[location: Home]',
    );
  });

  it('builds system + knowledge, user/assistant history, the tool, temperature and max_tokens', () => {
    const config = LlmConfigSchema.parse({
      baseUrl: 'https://x.example/v1',
      model: 'gpt-4o-mini',
      systemPrompt: 'Be brief.',
      knowledge: ['A', 'B'],
      temperature: 0.5,
      maxTokens: 100,
    });
    const body = buildChatRequest(config, [
      { direction: 'inbound', content: { type: 'text', text: 'hi' }, metadata: {} },
      { direction: 'outbound', content: { type: 'text', text: 'hello' }, metadata: {} },
      {
        direction: 'inbound',
        content: { type: 'reaction', reaction: { emoji: '👍', targetProviderMessageId: 'p' } },
        metadata: {},
      },
    ]);
    expect(body).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0.5,
      max_tokens: 100,
      tool_choice: 'auto',
      messages: [
        { role: 'system', content: 'Be brief.\n\nKnowledge you may rely on:\n- A\n- B' },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
      ],
      tools: [{ type: 'function', function: { name: 'handoff_to_human' } }],
    });
    expect((body.messages as unknown[]).length).toBe(3);
  });
});
