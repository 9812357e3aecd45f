/**
 * Twilio Voice through a crash of the hub: the hub runs as its own process and is killed (SIGKILL) while a caller
 * is on hold; the simulator's next webhook fails and Twilio ends the call (https://www.twilio.com/docs/api/errors/11200),
 * its status callback lost on the dead hub. Started again on the same data, the connection fetches the call from
 * Twilio and ends it failed with the reason, Twilio's billed seconds kept, nothing stored twice; a call Twilio does
 * not know (20404) ends failed too, and a call still live at Twilio is left to its callbacks.
 */
import { startTwilioSimulator, type TwilioSimulator } from '@switchboard/simulators';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import { freePort, spawnServer } from '../../testing/server-process.js';
import { eventually, startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../../testing/test-server.js';

interface Conn {
  id: string;
  status: string;
  statusReason: string | null;
}
interface Conv {
  id: string;
  address: string;
}
interface Msg {
  id: string;
  content: { type: string; text?: string };
  metadata: Record<string, unknown>;
}
interface CallView {
  id: string;
  providerCallId: string;
  state: string;
  endedAt: string | null;
  durationSeconds: number | null;
  hangupCause: string | null;
}

const OURS = '+15005550006';

describe('twilio-voice through a crash of the hub', () => {
  let sim: TwilioSimulator | undefined;
  let t: TestServer | undefined;
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('a call whose hub was killed ends failed, with the reason, when the hub starts again', async () => {
    sim = await startTwilioSimulator({ numbers: [OURS], voiceTimeScale: 0.2 });
    const twilio = sim;
    // a data folder of the test's own: a test server removes the one it made when it closes
    const dataDir = mkdtempSync(join(tmpdir(), 'twilio-voice-crash-'));
    const first = await startTestServer({ dataDir, allowPrivateNetwork: true });
    const conn = (
      await first.api<Conn>('POST', '/api/v1/connections', {
        type: 'twilio-voice',
        name: 'Crash',
        config: {
          accountSid: twilio.accountSid,
          authToken: twilio.authToken,
          phoneNumbers: [OURS],
          apiBaseUrl: twilio.url,
        },
      })
    ).body;
    const started = await first.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect(started.body.status, started.body.statusReason ?? '').toBe('RUNNING');
    await first.close();
    // the same data run as its own process, so that it can die without closing anything
    const port = await freePort();
    const proc = await spawnServer(
      {
        SWITCHBOARD_DATA_DIR: dataDir,
        SWITCHBOARD_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        SWITCHBOARD_PUBLIC_URL: `http://127.0.0.1:${port}`,
      },
      port,
    );
    const get = async <T>(path: string) =>
      (await (
        await fetch(`${proc.url}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })
      ).json()) as T;
    const caller = '+14155550171';
    let conversation: Conv;
    // the process pointed the number at itself when the connection started again there
    await eventually(
      () => (twilio.numberConfig(OURS)?.voiceUrl?.startsWith(proc.url) ? true : undefined),
      20_000,
      "the number's Voice URL at the process",
    );
    // the caller speaks once and is held (the hold's Redirect comes back to the hub), then waits to speak again
    const call = await twilio.placeCall({
      from: caller,
      lines: [{ speech: 'Hello, I have a question' }, { speech: 'Are you still there?', afterSeconds: 60 }],
    });
    try {
      conversation = await eventually(
        async () => {
          const c = (await get<{ data: Conv[] }>(`/api/v1/conversations?connectionId=${conn.id}`)).data.find(
            (x) => x.address === caller,
          );
          if (!c) return undefined;
          const msgs = (await get<{ data: Msg[] }>(`/api/v1/conversations/${c.id}/messages`)).data;
          const calls = (await get<{ data: CallView[] }>(`/api/v1/conversations/${c.id}/calls`)).data;
          // killed once the caller's words are stored and the call is in progress
          return msgs.some((m) => m.metadata.speech) && calls[0]?.state === 'in-progress' ? c : undefined;
        },
        20_000,
        'the call under way',
      );
    } finally {
      await proc.kill('SIGKILL');
    }
    // the hold's Redirect finds nobody: Twilio ends the call, and its status callback is lost
    await call.done;
    expect(call.status).toBe('completed');
    // the hold's Redirect, the final status callback and the call's recording all went to the dead process, unanswered
    const toDead = twilio
      .webhookAttempts()
      .filter((a) => a.url.startsWith(proc.url) && a.params.CallSid === call.sid && a.status === 0);
    expect(toDead.map((a) => new URL(a.url).searchParams.get('step'))).toEqual(['listen', 'status', 'recording']);
    const billed = call.durationSeconds;

    t = await startTestServer({ dataDir, allowPrivateNetwork: true });
    const server = t;
    const callsOf = async () =>
      (await server.api<{ data: CallView[] }>('GET', `/api/v1/conversations/${conversation.id}/calls`)).body.data;
    const ended = await eventually(
      async () => {
        const list = await callsOf();
        return list[0]?.endedAt ? list[0] : undefined;
      },
      15_000,
      'the cut call ended',
    );
    expect(ended).toMatchObject({
      providerCallId: call.sid,
      state: 'failed',
      hangupCause: 'the hub was not running when the call ended (Twilio: completed)',
      durationSeconds: billed,
    });
    const messages = (await server.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conversation.id}/messages`))
      .body.data;
    expect(messages.filter((m) => m.metadata.speech).map((m) => m.content.text)).toEqual(['Hello, I have a question']);
    expect(await callsOf()).toHaveLength(1);

    // a call Twilio does not know (20404) when the connection starts again
    const unknown = {
      ...(await server.sb.store.findCallByProviderId(conn.id, call.sid))!,
      id: newId('call'),
      providerCallId: `CA${'0'.repeat(32)}`,
      state: 'in-progress' as const,
      endedAt: null,
      durationSeconds: null,
      hangupCause: null,
    };
    expect(await server.sb.store.insertCall(unknown)).toBe(true);
    expect((await server.api('POST', `/api/v1/connections/${conn.id}/stop`)).status).toBe(200);
    expect((await server.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`)).body.status).toBe('RUNNING');
    const gone = await eventually(
      async () => (await callsOf()).find((c) => c.providerCallId === unknown.providerCallId && c.endedAt),
      15_000,
      'the unknown call ended',
    );
    expect(gone).toMatchObject({
      state: 'failed',
      hangupCause: 'Twilio does not know the call (20404): the hub was not running when it ended',
    });
    // the call that ended before is not asked after again, nor changed
    expect((await callsOf()).find((c) => c.providerCallId === call.sid)).toEqual(ended);
    await t.close();
    t = undefined;
  }, 120_000);
});
