/**
 * @module channels/twilio-voice/twiml — the TwiML documents the connector answers with
 * (https://www.twilio.com/docs/voice/twiml): a small builder whose every text and attribute is XML-escaped, and the
 * documents of a call's steps — greet and listen, hold while the hub answers, speak a reply and listen again,
 * transfer to a person, take a voicemail. Each URL points back at this connection's webhook with a `step` query
 * Twilio signs with the rest of the request, so a step cannot be forged.
 */
import type { HttpReply } from '../../channel-kit/index.js';
import type { TwilioVoiceConfig } from './config.js';

type Attributes = Record<string, string | number | boolean | undefined>;

export interface TwimlVerb {
  name: string;
  attributes?: Attributes;
  text?: string;
  children?: TwimlVerb[];
}

/** XML escaping of text and attribute values: & < > " ' (https://www.w3.org/TR/xml/#syntax) */
export function escapeXml(value: string): string {
  return (
    value
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // characters XML 1.0 cannot carry at all (control characters but tab, newline, return; lone surrogates)
      .replace(
        // eslint-disable-next-line no-control-regex
        /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
        '',
      )
  );
}

function render(verb: TwimlVerb): string {
  const attrs = Object.entries(verb.attributes ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
  const inner = (verb.text !== undefined ? escapeXml(verb.text) : '') + (verb.children ?? []).map(render).join('');
  return inner ? `<${verb.name}${attrs}>${inner}</${verb.name}>` : `<${verb.name}${attrs}/>`;
}

export function twiml(verbs: TwimlVerb[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${verbs.map(render).join('')}</Response>`;
}

export const twimlReply = (verbs: TwimlVerb[]): HttpReply => ({
  status: 200,
  headers: { 'content-type': 'text/xml' },
  body: twiml(verbs),
});

/** a step of the call, as a URL of this connection's webhook */
export function stepUrl(webhookUrl: string, step: string, params: Record<string, string> = {}): string {
  const url = new URL(webhookUrl);
  url.search = '';
  url.searchParams.set('step', step);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/** a numbered option reads "Reply 1 for …" on a text channel (core/degradation); on the phone it is pressed */
export function spoken(text: string): string {
  return text.replace(/^Reply (\d{1,2}) for /gm, 'Press $1 for ');
}

export function say(config: TwilioVoiceConfig, text: string): TwimlVerb {
  return { name: 'Say', attributes: { voice: config.voice, language: config.language }, text: spoken(text) };
}

/** how many times in a row the caller may say nothing before the call is ended */
export const MAX_SILENCES = 3;
/** seconds the caller is held while the hub answers; the answer interrupts it (a live call update) */
export const HOLD_SECONDS = 20;

/**
 * listen: speech or keys; what was said or pressed is posted to the `gather` step under this gather's id. Nothing
 * heard falls through to the next verbs (https://www.twilio.com/docs/voice/twiml/gather#action): a re-prompt and
 * another listen, until MAX_SILENCES in a row end the call.
 */
export function listen(config: TwilioVoiceConfig, webhookUrl: string, gatherId: string, silences = 0): TwimlVerb[] {
  if (silences >= MAX_SILENCES) return [say(config, 'Goodbye.'), { name: 'Hangup' }];
  return [
    {
      name: 'Gather',
      attributes: {
        input: 'speech dtmf',
        action: stepUrl(webhookUrl, 'gather', { g: gatherId }),
        method: 'POST',
        language: config.language,
        speechTimeout: 'auto',
        timeout: 6,
        numDigits: 1,
      },
    },
    say(config, 'Are you still there?'),
    {
      name: 'Redirect',
      attributes: { method: 'POST' },
      text: stepUrl(webhookUrl, 'listen', { s: String(silences + 1) }),
    },
  ];
}

/** the caller waits while the agent answers: the answer replaces this with a live update, or it listens again */
export function hold(webhookUrl: string): TwimlVerb[] {
  return [
    { name: 'Pause', attributes: { length: HOLD_SECONDS } },
    { name: 'Redirect', attributes: { method: 'POST' }, text: stepUrl(webhookUrl, 'listen', { s: '1' }) },
  ];
}

/** the operators a transfer rings in turn, as the connection lists them: the operator number first */
export function operatorsOf(config: TwilioVoiceConfig): string[] {
  return [...new Set([...(config.operatorNumber ? [config.operatorNumber] : []), ...(config.operators ?? [])])];
}

/** the list of operators as it travels in a step URL (signed by Twilio with the rest, so it cannot be changed) */
const OPERATOR_LIST_SEPARATOR = ' ';
export const joinOperators = (operators: string[]): string => operators.join(OPERATOR_LIST_SEPARATOR);
export const splitOperators = (value: string | null): string[] =>
  (value ?? '').split(OPERATOR_LIST_SEPARATOR).filter((o) => o.length > 0);

/**
 * a transfer to operators[index]: one <Dial> per operator, because the nouns of one <Dial> ring at once
 * (https://www.twilio.com/docs/voice/twiml/dial#dial-multiple-numbers); its outcome comes back to the `dialed`
 * step, which rings the next operator on no-answer, busy or failure and takes a voicemail after the last. The
 * operator's part is recorded from answer, one channel each (`record-from-answer-dual`,
 * https://www.twilio.com/docs/voice/twiml/dial#record), when calls are recorded.
 */
export function transfer(
  config: TwilioVoiceConfig,
  webhookUrl: string,
  operators: string[],
  customer: string,
  index = 0,
): TwimlVerb[] {
  const operator = operators[index] as string;
  const noun: TwimlVerb = operator.startsWith('sip')
    ? { name: 'Sip', text: operator }
    : { name: 'Number', text: operator };
  const recorded = config.recordCalls !== false;
  return [
    ...(index === 0 ? [say(config, 'Please hold while I connect you to a colleague.')] : []),
    {
      name: 'Dial',
      attributes: {
        action: stepUrl(webhookUrl, 'dialed', { customer, ops: joinOperators(operators), i: String(index) }),
        method: 'POST',
        timeout: config.ringSeconds ?? 20,
        ...(recorded
          ? {
              record: 'record-from-answer-dual',
              recordingStatusCallback: stepUrl(webhookUrl, 'recording', { customer, source: 'transfer', operator }),
              recordingStatusCallbackEvent: 'completed',
            }
          : {}),
      },
      children: [noun],
    },
  ];
}

/**
 * the whole call recorded from here on, both parties one channel each: <Start><Recording> goes on while the
 * next verbs run (https://www.twilio.com/docs/voice/twiml/recording); the file is posted to the `recording` step
 * when the call ends
 */
export function startRecording(webhookUrl: string, customer: string): TwimlVerb {
  return {
    name: 'Start',
    children: [
      {
        name: 'Recording',
        attributes: {
          channels: 'dual',
          recordingStatusCallback: stepUrl(webhookUrl, 'recording', { customer, source: 'call' }),
          recordingStatusCallbackEvent: 'completed',
        },
      },
    ],
  };
}

/** what a caller hears while the connection takes no calls: the closed message, then the call ends */
export function closed(config: TwilioVoiceConfig): TwimlVerb[] {
  return [say(config, config.closedMessage ?? 'Sorry, we cannot take your call right now.'), { name: 'Hangup' }];
}

/**
 * a voicemail: recorded, its file posted to the `recording` step once ready; transcribed by Twilio when asked
 * (`transcribe`, https://www.twilio.com/docs/voice/twiml/record#transcribe), the text posted to `transcribed`
 */
export function voicemail(config: TwilioVoiceConfig, webhookUrl: string, customer: string): TwimlVerb[] {
  return [
    say(config, 'Nobody is available right now. Please leave a message after the tone.'),
    {
      name: 'Record',
      attributes: {
        action: stepUrl(webhookUrl, 'recorded'),
        method: 'POST',
        maxLength: 120,
        timeout: 5,
        playBeep: true,
        recordingStatusCallback: stepUrl(webhookUrl, 'recording', { customer, source: 'voicemail' }),
        recordingStatusCallbackEvent: 'completed',
        ...(config.transcribeVoicemail !== false
          ? { transcribe: true, transcribeCallback: stepUrl(webhookUrl, 'transcribed', { customer }) }
          : {}),
      },
    },
  ];
}
