/**
 * The TwiML builder: every text and attribute escaped (a caller's or agent's words can hold <, &, quotes), characters
 * XML cannot carry dropped, and the documents equal to what the official `twilio` package's VoiceResponse builds for
 * the same verbs (parsed and compared, so attribute order does not matter).
 */
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { fuzzConfig } from './fixtures/fuzz.js';
import { closed, escapeXml, hold, listen, say, spoken, startRecording, transfer, twiml, voicemail } from './twiml.js';

const WEBHOOK = 'https://hub.example.com/webhooks/conn_voice';

/** a document as nested [name, sorted attributes, text, children] for comparison */
function shape(xml: string): unknown {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const walk = (el: Element): unknown => {
    const attrs = Array.from({ length: el.attributes.length }, (_, i) => el.attributes.item(i)!)
      .map((a) => `${a.name}=${a.value}`)
      .sort();
    const children = Array.from({ length: el.childNodes.length }, (_, i) => el.childNodes.item(i)!);
    const text = children
      .filter((n) => n.nodeType === 3)
      .map((n) => n.nodeValue)
      .join('');
    return [el.tagName, attrs, text, children.filter((n) => n.nodeType === 1).map((n) => walk(n as Element))];
  };
  return walk(doc.documentElement as unknown as Element);
}

describe('TwiML', () => {
  it('escapes text and attributes, and drops what XML cannot carry', () => {
    expect(escapeXml(`a<b & "c" 'd'>`)).toBe('a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;');
    expect(escapeXml('bell\u0007 and \uD800 lone')).toBe('bell and  lone');
    const doc = twiml([say({ ...fuzzConfig, voice: 'Polly."x"' }, '</Say><Hangup/> & more')]);
    expect(doc).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="Polly.&quot;x&quot;" language="en-US">&lt;/Say&gt;&lt;Hangup/&gt; &amp; more</Say></Response>',
    );
    expect(shape(doc)).toEqual(
      shape(
        new twilio.twiml.VoiceResponse()
          .say({ voice: 'Polly."x"' as never, language: 'en-US' }, '</Say><Hangup/> & more')
          .toString(),
      ),
    );
  });

  it('builds the same documents as the official VoiceResponse', () => {
    const r = new twilio.twiml.VoiceResponse();
    r.gather({
      input: ['speech', 'dtmf'],
      action: `${WEBHOOK}?step=gather&g=m1`,
      method: 'POST',
      language: 'en-US',
      speechTimeout: 'auto',
      timeout: 6,
      numDigits: 1,
    });
    r.say({ language: 'en-US' }, 'Are you still there?');
    r.redirect({ method: 'POST' }, `${WEBHOOK}?step=listen&s=1`);
    expect(shape(twiml(listen(fuzzConfig, WEBHOOK, 'm1')))).toEqual(shape(r.toString()));

    const d = new twilio.twiml.VoiceResponse();
    d.say({ language: 'en-US' }, 'Please hold while I connect you to a colleague.');
    d.dial({
      action: `${WEBHOOK}?step=dialed&customer=%2B14155550100&ops=%2B15005550099+sip%3Adesk%40pbx.example.com&i=0`,
      method: 'POST',
      timeout: 20,
      record: 'record-from-answer-dual',
      recordingStatusCallback: `${WEBHOOK}?step=recording&customer=%2B14155550100&source=transfer&operator=%2B15005550099`,
      recordingStatusCallbackEvent: ['completed'],
    }).number('+15005550099');
    const operators = ['+15005550099', 'sip:desk@pbx.example.com'];
    expect(shape(twiml(transfer(fuzzConfig, WEBHOOK, operators, '+14155550100')))).toEqual(shape(d.toString()));
    // the next operator in turn: no second "please hold", a SIP URI dialled as <Sip>, nothing recorded when calls are not
    const n = new twilio.twiml.VoiceResponse();
    n.dial({
      action: `${WEBHOOK}?step=dialed&customer=%2B14155550100&ops=%2B15005550099+sip%3Adesk%40pbx.example.com&i=1`,
      method: 'POST',
      timeout: 15,
    }).sip('sip:desk@pbx.example.com');
    expect(
      shape(
        twiml(transfer({ ...fuzzConfig, recordCalls: false, ringSeconds: 15 }, WEBHOOK, operators, '+14155550100', 1)),
      ),
    ).toEqual(shape(n.toString()));

    const rec = new twilio.twiml.VoiceResponse();
    rec.start().recording({
      channels: 'dual',
      recordingStatusCallback: `${WEBHOOK}?step=recording&customer=%2B14155550100&source=call`,
      recordingStatusCallbackEvent: ['completed'],
    });
    expect(shape(twiml([startRecording(WEBHOOK, '+14155550100')]))).toEqual(shape(rec.toString()));

    const v = new twilio.twiml.VoiceResponse();
    v.say({ language: 'en-US' }, 'Nobody is available right now. Please leave a message after the tone.');
    v.record({
      action: `${WEBHOOK}?step=recorded`,
      method: 'POST',
      maxLength: 120,
      timeout: 5,
      playBeep: true,
      recordingStatusCallback: `${WEBHOOK}?step=recording&customer=%2B14155550100&source=voicemail`,
      recordingStatusCallbackEvent: ['completed'],
    });
    expect(shape(twiml(voicemail(fuzzConfig, WEBHOOK, '+14155550100')))).toEqual(shape(v.toString()));

    const vt = new twilio.twiml.VoiceResponse();
    vt.say({ language: 'en-US' }, 'Nobody is available right now. Please leave a message after the tone.');
    vt.record({
      action: `${WEBHOOK}?step=recorded`,
      method: 'POST',
      maxLength: 120,
      timeout: 5,
      playBeep: true,
      recordingStatusCallback: `${WEBHOOK}?step=recording&customer=%2B14155550100&source=voicemail`,
      recordingStatusCallbackEvent: ['completed'],
      transcribe: true,
      transcribeCallback: `${WEBHOOK}?step=transcribed&customer=%2B14155550100`,
    });
    expect(shape(twiml(voicemail({ ...fuzzConfig, transcribeVoicemail: true }, WEBHOOK, '+14155550100')))).toEqual(
      shape(vt.toString()),
    );

    const c = new twilio.twiml.VoiceResponse();
    c.say({ language: 'en-US' }, 'We are closed.');
    c.hangup();
    expect(shape(twiml(closed(fuzzConfig)))).toEqual(shape(c.toString()));

    const h = new twilio.twiml.VoiceResponse();
    h.pause({ length: 20 });
    h.redirect({ method: 'POST' }, `${WEBHOOK}?step=listen&s=1`);
    expect(shape(twiml(hold(WEBHOOK)))).toEqual(shape(h.toString()));
  });

  it('ends the call after three silences in a row, and speaks numbered options as keys to press', () => {
    expect(twiml(listen(fuzzConfig, WEBHOOK, 'x', 3))).toContain('<Hangup/>');
    expect(spoken('Choose:\nReply 1 for Sales\nReply 2 for Support')).toBe(
      'Choose:\nPress 1 for Sales\nPress 2 for Support',
    );
  });
});
