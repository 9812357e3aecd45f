import { describe, expect, it } from 'vitest';
import type { Call, Message } from '../../../sdk/src/index.ts';
import {
  callSeconds,
  formatDuration,
  heardText,
  isCallRecording,
  mergeCall,
  outcomeLabel,
  speakerOf,
} from './CallView.tsx';

const call: Call = {
  id: 'call_1',
  conversationId: 'conv_1',
  connectionId: 'conn_1',
  providerCallId: 'CA1',
  direction: 'inbound',
  from: '+14155550100',
  to: '+15005550006',
  state: 'in-progress',
  startedAt: '2026-01-01T00:00:00.000Z',
  answeredAt: '2026-01-01T00:00:01.000Z',
  endedAt: null,
  durationSeconds: null,
  answeredBy: null,
  hangupCause: null,
  agentId: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:01.000Z',
};
const message = (patch: Partial<Message>): Message => ({
  id: 'msg_1',
  conversationId: 'conv_1',
  connectionId: 'conn_1',
  channelType: 'twilio-voice',
  direction: 'inbound',
  from: '+14155550100',
  to: '+15005550006',
  content: { type: 'text', text: 'hello' },
  status: 'received',
  statusDetail: null,
  providerMessageId: null,
  timestamp: '2026-01-01T00:00:02.000Z',
  editedAt: null,
  metadata: {},
  ...patch,
});
const audio: Message['content'] = {
  type: 'audio',
  media: { url: 'http://hub/media/x', mimeType: 'audio/wav', state: 'ready' },
};

describe('a call session', () => {
  it('names who spoke: the caller, the agent, the operator (typed or their recorded part)', () => {
    expect(speakerOf(message({}))).toBe('caller');
    expect(speakerOf(message({ direction: 'outbound', metadata: { agentId: 'agt_1' } }))).toBe('agent');
    expect(speakerOf(message({ direction: 'outbound', metadata: { operatorId: 'usr_1' } }))).toBe('operator');
    const part = message({ content: audio, metadata: { recording: { source: 'transfer' } } });
    expect(speakerOf(part)).toBe('operator');
    const whole = message({ content: audio, metadata: { recording: { source: 'call' } } });
    expect(isCallRecording(whole)).toBe(true);
    expect(isCallRecording(part)).toBe(false);
  });

  it('runs the duration while live and shows the stored one after; names the outcome', () => {
    expect(callSeconds(call, Date.parse('2026-01-01T00:01:06.000Z'))).toBe(65);
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3725)).toBe('1:02:05');
    const ended = { ...call, state: 'completed' as const, endedAt: '2026-01-01T00:00:43.000Z', durationSeconds: 42 };
    expect(callSeconds(ended, Date.now())).toBe(42);
    expect(outcomeLabel({ ...ended, answeredBy: 'machine' })).toBe('Completed · answering machine');
    expect(outcomeLabel({ ...call, state: 'no-answer' })).toBe('No answer');
  });

  it('shows a reply as the caller heard it: options are keys to press', () => {
    expect(heardText('Choose:\nReply 1 for Sales\nReply 2 for Support')).toBe(
      'Choose:\nPress 1 for Sales\nPress 2 for Support',
    );
  });

  it('keeps the newer copy of a call when an event and the list cross', () => {
    const later = { ...call, state: 'completed' as const, updatedAt: '2026-01-01T00:00:09.000Z' };
    expect(mergeCall([later], call)).toEqual([later]);
    expect(mergeCall([call], later)).toEqual([later]);
  });
});
