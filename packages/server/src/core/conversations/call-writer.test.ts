/**
 * The call writer on a real SQLite store: a call's first event opens its own conversation (thread = the call) with the
 * customer's contact and a `call.started` event; states move forward only whatever order the callbacks arrive in
 * (a late `in-progress` after the end changes nothing), the end sets duration and hang-up cause and the inbox line
 * of the conversation (outcome and length, kept when the recording follows); erasing the contact blanks the numbers
 * on its calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, type CallState, type Content, type InboundCallEvent } from '../../model/index.js';
import type { ConnectionRecord, NewOutboxRow, Store } from '../ports/index.js';
import { openTestStore, type TestStore } from '../../testing/test-databases.js';
import { applyInboundCall } from './call-writer.js';
import { applyInboundMessage, type WriteContext } from './conversation-writer.js';

describe('call writer', () => {
  let t: TestStore;
  let store: Store;
  const ws = newId('ws');
  const connection: ConnectionRecord = {
    id: newId('conn'),
    workspaceId: ws,
    type: 'twilio-voice',
    name: 'voice',
    description: '',
    config: {},
    status: 'RUNNING',
    statusReason: null,
    deprecated: false,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  };

  beforeAll(async () => {
    t = await openTestStore('sqlite', 'call-writer');
    store = t.store;
    await store.migrate();
    await store.insertWorkspace({ id: ws, name: ws, createdAt: new Date().toISOString() });
    await store.insertConnection(connection);
  });
  afterAll(() => t.dispose());

  const event = (
    sid: string,
    state: CallState,
    at: string,
    extra: Partial<InboundCallEvent> = {},
  ): InboundCallEvent => ({
    kind: 'call',
    providerCallId: sid,
    direction: 'inbound',
    customer: { address: '+1 415 555 0100' },
    business: '+15005550006',
    state,
    timestamp: at,
    ...extra,
  });

  const context = (tx: WriteContext['tx'], outbox: NewOutboxRow[]): WriteContext => ({
    tx,
    connection,
    now: new Date().toISOString(),
    windowHours: undefined,
    addressRules: { kind: 'phone', defaultRegion: 'US' },
    outbox,
  });
  async function apply(e: InboundCallEvent): Promise<NewOutboxRow[]> {
    const outbox: NewOutboxRow[] = [];
    await store.transaction((tx) => applyInboundCall(context(tx, outbox), e));
    return outbox;
  }
  /** a message of the call, as the connector parses it (the caller's words, its recording, a voicemail) */
  async function say(sid: string, id: string, content: Content, metadata: Record<string, unknown>, at: string) {
    await store.transaction((tx) =>
      applyInboundMessage(context(tx, []), {
        kind: 'message',
        providerMessageId: `${sid}:${id}`,
        from: { address: '+1 415 555 0100' },
        threadKey: sid,
        content,
        timestamp: at,
        metadata: { call: sid, ...metadata },
        passive: true,
      }),
    );
  }
  const recording: Content = {
    type: 'audio',
    media: { url: 'https://api.twilio.com/r.wav', mimeType: 'audio/wav', caption: 'Call recording' },
  };
  const previewOf = async (sid: string) => {
    const call = await store.findCallByProviderId(connection.id, sid);
    return (await store.getConversation(ws, call!.conversationId))?.lastMessagePreview;
  };
  const types = (rows: NewOutboxRow[]) => rows.map((r) => (r.payload as { type: string }).type);

  it('opens a conversation per call and moves the call forward only, whatever order callbacks come in', async () => {
    const sid = `CA${'1'.repeat(32)}`;
    const started = await apply(event(sid, 'ringing', '2026-01-01T10:00:00.000Z'));
    expect(types(started)).toEqual(['contact.created', 'conversation.created', 'call.started']);
    const call = await store.findCallByProviderId(connection.id, sid);
    expect(call).toMatchObject({ from: '+14155550100', to: '+15005550006', state: 'ringing', direction: 'inbound' });
    const conversation = await store.getConversation(ws, call!.conversationId);
    expect(conversation).toMatchObject({ threadKey: sid, address: '+14155550100' });
    // the end overtakes the answer: the billed duration gives the answer time
    expect(types(await apply(event(sid, 'completed', '2026-01-01T10:01:30.000Z', { durationSeconds: 80 })))).toEqual([
      'call.ended',
      'conversation.updated',
    ]);
    expect(types(await apply(event(sid, 'in-progress', '2026-01-01T10:00:10.000Z')))).toEqual([]);
    expect(types(await apply(event(sid, 'failed', '2026-01-01T10:02:00.000Z')))).toEqual([]);
    expect(await store.findCallByProviderId(connection.id, sid)).toMatchObject({
      state: 'completed',
      answeredAt: '2026-01-01T10:00:10.000Z',
      endedAt: '2026-01-01T10:01:30.000Z',
      durationSeconds: 80,
    });
    // a second call of the same customer is a session of its own
    const other = `CA${'2'.repeat(32)}`;
    expect(types(await apply(event(other, 'ringing', '2026-01-01T11:00:00.000Z')))).toEqual([
      'conversation.created',
      'call.started',
    ]);
    expect((await store.findCallByProviderId(connection.id, other))?.conversationId).not.toBe(call!.conversationId);
  });

  it('records the answer, then the end with duration and cause; an unanswered outcome names itself', async () => {
    const sid = `CA${'3'.repeat(32)}`;
    await apply(event(sid, 'ringing', '2026-01-02T10:00:00.000Z'));
    const answered = await apply(event(sid, 'in-progress', '2026-01-02T10:00:05.000Z', { answeredBy: 'agent:a1' }));
    expect(answered.map((r) => r.payload)).toMatchObject([
      { type: 'call.updated', data: { call: { state: 'in-progress', answeredBy: 'agent:a1' } } },
    ]);
    const ended = await apply(event(sid, 'completed', '2026-01-02T10:00:47.000Z', { hangupCause: 'caller hung up' }));
    expect(ended.map((r) => r.payload)).toMatchObject([
      {
        type: 'call.ended',
        data: { call: { state: 'completed', durationSeconds: 42, hangupCause: 'caller hung up' } },
      },
      { type: 'conversation.updated', data: { conversation: { lastMessagePreview: 'Call · completed · 0:42' } } },
    ]);
    const busy = `CA${'4'.repeat(32)}`;
    const rows = await apply(event(busy, 'busy', '2026-01-02T11:00:00.000Z', { direction: 'outbound' }));
    expect(types(rows)).toEqual(['conversation.created', 'call.started', 'call.ended', 'conversation.updated']);
    expect(await store.findCallByProviderId(connection.id, busy)).toMatchObject({
      state: 'busy',
      durationSeconds: 0,
      hangupCause: 'busy',
      from: '+15005550006',
      to: '+14155550100',
    });
  });

  it('the inbox line of an ended call says its outcome and length, whatever the recording arrives before or after', async () => {
    const sid = `CA${'5'.repeat(32)}`;
    await apply(event(sid, 'ringing', '2026-01-03T10:00:00.000Z'));
    await apply(event(sid, 'in-progress', '2026-01-03T10:00:02.000Z'));
    // what the caller says during the call previews as itself
    await say(sid, 'u1', { type: 'text', text: 'I want to move my booking' }, { speech: true }, '2026-01-03T10:00:09Z');
    expect(await previewOf(sid)).toBe('I want to move my booking');
    await apply(event(sid, 'completed', '2026-01-03T10:01:14.000Z', { durationSeconds: 72 }));
    expect(await previewOf(sid)).toBe('Call · completed · 1:12');
    // the recording is fetched after the end: it does not turn the line into "Call recording"
    await say(sid, 'recording:RE1', recording, { recording: { source: 'call' } }, '2026-01-03T10:01:20.000Z');
    expect(await previewOf(sid)).toBe('Call · completed · 1:12');
    const voicemail: Content = { type: 'text', text: 'Please call me back' };
    await say(sid, 'transcript:RE2', voicemail, { voicemail: { recordingSid: 'RE2' } }, '2026-01-03T10:01:30Z');
    expect(await previewOf(sid)).toBe('Call · completed · 1:12 · voicemail');

    // the recording first (a SIP hang-up writes it with the end), then the end: the end's line wins
    const early = `CA${'6'.repeat(32)}`;
    await apply(event(early, 'ringing', '2026-01-03T11:00:00.000Z'));
    await apply(event(early, 'in-progress', '2026-01-03T11:00:01.000Z'));
    await say(early, 'recording', recording, { recording: { source: 'call' } }, '2026-01-03T11:00:30.000Z');
    expect(await previewOf(early)).toBe('Call recording');
    await apply(event(early, 'completed', '2026-01-03T11:00:31.000Z'));
    expect(await previewOf(early)).toBe('Call · completed · 0:30');

    // a voicemail stored before the end was reported is named by the end's line too
    const racing = `CA${'8'.repeat(32)}`;
    await apply(event(racing, 'ringing', '2026-01-03T13:00:00.000Z'));
    await apply(event(racing, 'in-progress', '2026-01-03T13:00:01.000Z'));
    await say(racing, 'recording:RE3', recording, { recording: { source: 'voicemail' } }, '2026-01-03T13:00:40.000Z');
    await apply(event(racing, 'completed', '2026-01-03T13:00:41.000Z', { durationSeconds: 40 }));
    expect(await previewOf(racing)).toBe('Call · completed · 0:40 · voicemail');

    // nobody answered an incoming call: a missed call, at the time it ended
    const missed = `CA${'7'.repeat(32)}`;
    await apply(event(missed, 'ringing', '2026-01-03T12:00:00.000Z'));
    await apply(event(missed, 'no-answer', '2026-01-03T12:00:25.000Z'));
    expect(await previewOf(missed)).toBe('Missed call');
    const call = await store.findCallByProviderId(connection.id, missed);
    expect((await store.getConversation(ws, call!.conversationId))?.lastMessageAt).toBe('2026-01-03T12:00:25.000Z');
  });

  it('a live call taken over by an operator names them without moving its state; an ended call is not renamed', async () => {
    const sid = `CA${'9'.repeat(32)}`;
    await apply(event(sid, 'ringing', '2026-01-03T10:00:00.000Z'));
    await apply(event(sid, 'in-progress', '2026-01-03T10:00:01.000Z'));
    const taken = await apply(
      event(sid, 'in-progress', '2026-01-03T10:00:30.000Z', { answeredBy: 'operator:+15550000001' }),
    );
    expect(taken.map((r) => r.payload)).toMatchObject([
      { type: 'call.updated', data: { call: { state: 'in-progress', answeredBy: 'operator:+15550000001' } } },
    ]);
    // the same again changes nothing (a redelivery)
    expect(
      await apply(event(sid, 'in-progress', '2026-01-03T10:00:30.000Z', { answeredBy: 'operator:+15550000001' })),
    ).toEqual([]);
    const call = await store.findCallByProviderId(connection.id, sid);
    expect(call).toMatchObject({ state: 'in-progress', answeredAt: '2026-01-03T10:00:01.000Z' });
    // a rename to anyone but an operator changes nothing
    expect(await apply(event(sid, 'in-progress', '2026-01-03T10:00:40.000Z', { answeredBy: 'agent:a2' }))).toEqual([]);
    await apply(event(sid, 'completed', '2026-01-03T10:01:01.000Z'));
    expect(await apply(event(sid, 'completed', '2026-01-03T10:01:02.000Z', { answeredBy: 'operator:x' }))).toEqual([]);
    expect(await store.findCallByProviderId(connection.id, sid)).toMatchObject({
      state: 'completed',
      answeredBy: 'operator:+15550000001',
      durationSeconds: 60,
    });
  });

  it('a ringing call is not renamed, not even to an operator', async () => {
    const sid = `CA${'a'.repeat(32)}`;
    await apply(event(sid, 'ringing', '2026-01-03T11:00:00.000Z'));
    expect(
      await apply(event(sid, 'ringing', '2026-01-03T11:00:01.000Z', { answeredBy: 'operator:+15550000001' })),
    ).toEqual([]);
    expect(await store.findCallByProviderId(connection.id, sid)).toMatchObject({ state: 'ringing', answeredBy: null });
  });

  it('erasing the contact blanks the numbers on its calls and keeps their outcome', async () => {
    const sid = `CA${'1'.repeat(32)}`;
    const call = await store.findCallByProviderId(connection.id, sid);
    const conversation = await store.getConversation(ws, call!.conversationId);
    await store.transaction((tx) => tx.eraseContact(ws, conversation!.contactId, new Date().toISOString()));
    expect(await store.getCall(ws, call!.id)).toMatchObject({
      from: '',
      to: '',
      state: 'completed',
      durationSeconds: 80,
    });
  });
});
