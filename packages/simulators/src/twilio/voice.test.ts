// The Twilio simulator's voice side on its own, against a tiny TwiML app: every request it makes (Voice URL,
// <Gather> action, <Dial> action, status callbacks) is signed so that the official twilio package's
// validateRequest accepts it; it follows the TwiML (Say heard, the scripted caller's line posted as SpeechResult
// or Digits, Hangup), a live call update interrupts a Pause at once, an update after the end answers 21220,
// a <Record> yields a real WAV behind basic auth (and its transcription when asked), <Start><Recording> records
// the call to its end in stereo, a <Dial> to a <Sip> URI rings that operator and records their part from answer,
// and an invalid To is 21211.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioSimulator, type TwilioSimulator } from './simulator.js';
import { readWav } from './wav.js';

describe('Twilio Voice simulator', () => {
  let sim: TwilioSimulator;
  let app: {
    url: string;
    close(): void;
    received: Array<{ url: string; valid: boolean; params: Record<string, string> }>;
  };
  const auth = () => ({
    authorization: `Basic ${Buffer.from(`${sim.accountSid}:${sim.authToken}`).toString('base64')}`,
  });
  const api = (path: string, form?: Record<string, string>) =>
    fetch(`${sim.url}/2010-04-01/Accounts/${sim.accountSid}${path}.json`, {
      method: form ? 'POST' : 'GET',
      headers: { ...auth(), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
  /** the TwiML app: answers each step; a gather's answer is echoed back as a Say */
  const doc = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;
  const answers: Record<string, (p: Record<string, string>) => string> = {
    '/voice': () =>
      doc(
        `<Say>Welcome &amp; hello</Say><Gather input="speech dtmf" action="${app.url}/gather" timeout="5"/><Say>Bye</Say>`,
      ),
    '/gather': (p) =>
      doc(`<Say>You said ${p.SpeechResult ?? p.Digits}</Say><Pause length="600"/><Say>never reached</Say>`),
    '/status': () => doc(''),
  };

  beforeAll(async () => {
    sim = await startTwilioSimulator({ numbers: ['+15005550006'], voiceTimeScale: 0.01 });
    const received: Array<{ url: string; valid: boolean; params: Record<string, string> }> = [];
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const params = Object.fromEntries(new URLSearchParams(body));
        const url = `${app.url}${req.url ?? ''}`;
        const valid = twilio.validateRequest(sim.authToken, String(req.headers['x-twilio-signature']), url, params);
        received.push({ url, valid, params });
        const path = new URL(url).pathname;
        res.writeHead(200, { 'content-type': 'text/xml' }).end((answers[path] ?? (() => doc('')))(params));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    app = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close(), received };
    const list = (await (await api('/IncomingPhoneNumbers')).json()) as {
      incoming_phone_numbers: Array<{ sid: string }>;
    };
    const updated = await api(`/IncomingPhoneNumbers/${list.incoming_phone_numbers[0]?.sid}`, {
      VoiceUrl: `${app.url}/voice`,
      StatusCallback: `${app.url}/status`,
    });
    expect(((await updated.json()) as { voice_url: string }).voice_url).toBe(`${app.url}/voice`);
  });
  afterAll(async () => {
    app.close();
    await sim.close();
  });

  it('follows the TwiML, answers a gather with the caller line, is interrupted by a live update, and signs every request', async () => {
    const call = await sim.placeCall({ from: '+14155550100', lines: [{ speech: 'my order' }, { digits: '2' }] });
    // the call waits in the long pause until it is updated
    for (let i = 0; i < 200 && !call.verbs.includes('Pause'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(call.verbs).toContain('Pause');
    const updated = await api(`/Calls/${call.sid}`, {
      Twiml: doc('<Say>Updated</Say><Gather input="dtmf" action="' + app.url + '/gather"/>'),
    });
    expect(updated.status).toBe(200);
    for (let i = 0; i < 200 && !call.heard.includes('You said 2'); i++) await new Promise((r) => setTimeout(r, 10));
    await api(`/Calls/${call.sid}`, { Twiml: doc('<Hangup/>') });
    await call.done;
    expect(call.heard).toEqual(['Welcome & hello', 'You said my order', 'Updated', 'You said 2']);
    expect(call.said).toEqual(['my order', '2']);
    expect(call.status).toBe('completed');
    const mine = app.received.filter((r) => r.params.CallSid === call.sid);
    expect(mine.map((r) => new URL(r.url).pathname)).toEqual(['/voice', '/gather', '/gather', '/status']);
    expect(mine.every((r) => r.valid)).toBe(true);
    expect(mine[1]?.params).toMatchObject({ SpeechResult: 'my order', Confidence: '0.9', CallStatus: 'in-progress' });
    expect(mine[2]?.params).toMatchObject({ Digits: '2' });
    expect(mine[3]?.params).toMatchObject({ CallStatus: 'completed' });
    const late = await api(`/Calls/${call.sid}`, { Twiml: doc('<Say>too late</Say>') });
    expect(late.status).toBe(400);
    expect(((await late.json()) as { code: number }).code).toBe(21220);
  });

  it('records a voicemail as a real WAV behind basic auth, and refuses an invalid To with 21211', async () => {
    answers['/voice'] = () => doc(`<Record action="${app.url}/recorded" recordingStatusCallback="${app.url}/rec"/>`);
    const call = await sim.placeCall({ from: '+14155550100', lines: [{ speech: 'please call me back tomorrow' }] });
    await call.done;
    for (let i = 0; i < 200 && !app.received.some((r) => r.url.endsWith('/rec')); i++)
      await new Promise((r) => setTimeout(r, 10));
    const callback = app.received.find((r) => r.url.endsWith('/rec'));
    expect(callback?.valid).toBe(true);
    expect(callback?.params).toMatchObject({
      RecordingStatus: 'completed',
      CallSid: call.sid,
      RecordingSource: 'RecordVerb',
    });
    const url = `${callback?.params.RecordingUrl}.wav`;
    expect((await fetch(url)).status).toBe(401);
    const wav = readWav(Buffer.from(await (await fetch(url, { headers: auth() })).arrayBuffer()));
    expect(wav).toMatchObject({ channels: 1, sampleRate: 8000, bitsPerSample: 16 });
    expect(wav?.seconds).toBe(Number(callback?.params.RecordingDuration));
    expect(wav?.peak).toBeGreaterThan(1000);
    const invalid = await api('/Calls', { To: '12', From: '+15005550006', Url: `${app.url}/voice` });
    expect(((await invalid.json()) as { code: number }).code).toBe(21211);
  });

  it('records the call from <Start><Recording>, rings a SIP operator in a recorded <Dial>, and transcribes a voicemail', async () => {
    const wait = async (ok: () => boolean) => {
      for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
    };
    sim.setOperator('sip:desk@pbx.example.com', 'answer');
    answers['/voice'] = () =>
      doc(
        `<Start><Recording channels="dual" recordingStatusCallback="${app.url}/whole"/></Start><Say>Hello</Say>` +
          `<Dial record="record-from-answer-dual" recordingStatusCallback="${app.url}/part" action="${app.url}/dialed"><Sip>sip:desk@pbx.example.com</Sip></Dial>`,
      );
    answers['/dialed'] = () =>
      doc(`<Record transcribe="true" transcribeCallback="${app.url}/text" recordingStatusCallback="${app.url}/rec2"/>`);
    const call = await sim.placeCall({
      from: '+14155550100',
      lines: [{ speech: 'call me back', afterSeconds: 1 }],
    });
    await call.done;
    expect(call.dialed).toEqual(['sip:desk@pbx.example.com']);
    expect(call.verbs.slice(0, 3)).toEqual(['Start', 'Say', 'Dial']);
    await wait(() => ['/whole', '/part', '/text'].every((p) => app.received.some((r) => r.url.endsWith(p))));
    const of = (path: string) => app.received.find((r) => r.url.endsWith(path) && r.params.CallSid === call.sid);
    expect(of('/dialed')?.params).toMatchObject({ DialCallStatus: 'completed' });
    expect(of('/whole')?.params).toMatchObject({ RecordingSource: 'StartCallRecordingTwiML', RecordingChannels: '2' });
    expect(of('/part')?.params).toMatchObject({ RecordingSource: 'DialVerb', RecordingChannels: '2' });
    expect(of('/text')?.params).toMatchObject({ TranscriptionStatus: 'completed', TranscriptionText: 'call me back' });
    expect(['/whole', '/part', '/text'].every((p) => of(p)?.valid)).toBe(true);
    const whole = readWav(
      Buffer.from(await (await fetch(`${of('/whole')?.params.RecordingUrl}.wav`, { headers: auth() })).arrayBuffer()),
    );
    expect(whole).toMatchObject({ channels: 2 });
    expect(whole?.peak).toBeGreaterThan(1000);
  });
});
