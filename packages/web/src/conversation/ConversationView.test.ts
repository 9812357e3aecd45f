import { describe, expect, it } from 'vitest';
import type { Message } from '../../../sdk/src/index.ts';
import { newer } from './ConversationView.tsx';

const base: Message = {
  id: 'msg_1',
  conversationId: 'conv_1',
  connectionId: 'conn_1',
  channelType: 'webchat',
  direction: 'outbound',
  from: '',
  to: 'v',
  content: { type: 'text', text: 'hi' },
  status: 'queued',
  statusDetail: null,
  providerMessageId: null,
  timestamp: '2026-01-01T00:00:00.000Z',
  editedAt: null,
  metadata: {},
};

describe('merging copies of a message', () => {
  it('never shows an older status than the one already shown', () => {
    const sent: Message = { ...base, status: 'sent', providerMessageId: 'p1', statusAt: '2026-01-01T00:00:02.000Z' };
    // the late queued copy (the send's own answer) keeps when the status moved, for the tooltip
    expect(newer(sent, base)).toMatchObject({
      status: 'sent',
      providerMessageId: 'p1',
      statusAt: '2026-01-01T00:00:02.000Z',
    });
    expect(newer(base, sent).status).toBe('sent');
    expect(newer(undefined, base).status).toBe('queued');
    expect(newer(sent, { ...base, status: 'failed', statusDetail: { code: 'X', message: 'no' } })).toMatchObject({
      status: 'failed',
      statusDetail: { code: 'X' },
    });
  });
  it('takes the newer content (an edit) while keeping the status', () => {
    const read: Message = { ...base, status: 'read' };
    expect(newer(read, { ...base, content: { type: 'text', text: 'edited' } })).toMatchObject({
      status: 'read',
      content: { text: 'edited' },
    });
  });
});
