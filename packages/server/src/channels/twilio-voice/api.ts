/**
 * @module channels/twilio-voice/api — the Twilio REST calls of the voice connector through the kit's Twilio client
 * (channel-kit/twilio.ts): the start checks (the account, each number pointed at us), placing a call
 * (https://www.twilio.com/docs/voice/api/call-resource#create-a-call-resource), updating a live call with new TwiML
 * (https://www.twilio.com/docs/voice/api/call-resource#update-a-call-resource) and the recording download.
 */
import {
  ChannelError,
  checkTwilioAccount,
  fetchTwilioFile,
  twilioAccountUrl,
  twilioBasicAuth,
  twilioRestClient,
  type BaseContext,
  type FetchedMedia,
  type ListenedUpdate,
  type OpenCall,
  type PlaceCallInput,
  type PlacedCall,
  type ProviderClient,
  type TwilioCodeTable,
} from '../../channel-kit/index.js';
import type { TwilioVoiceConfig } from './config.js';
import { RECONCILED_HEADER } from './parse.js';
import { callResourceSchema, voiceNumbersSchema } from './payloads.js';
import { stepUrl } from './twiml.js';

type Ctx = BaseContext<TwilioVoiceConfig>;

/**
 * Voice's codes → ours (https://www.twilio.com/docs/api/errors/<code>): 13xxx are TwiML <Dial>/<Say> failures,
 * 21xxx the REST API's refusals of a call's parameters; the account-wide ones (20003 → AUTH) are the kit's
 */
export const VOICE_TABLE: TwilioCodeTable = {
  codes: {
    13223: 'INVALID_RECIPIENT', // Dial: invalid phone number format
    13224: 'INVALID_RECIPIENT', // Dial: invalid phone number
    13225: 'REJECTED', // Dial: forbidden phone number
    13227: 'REJECTED', // Dial: no international authorization
    21201: 'INVALID_RECIPIENT', // no 'To' number specified
    21205: 'INVALID_CONFIG', // invalid Url
    21210: 'INVALID_CONFIG', // 'From' is not a verified caller id of the account
    21211: 'INVALID_RECIPIENT', // invalid 'To' phone number
    21212: 'INVALID_CONFIG', // invalid 'From' phone number
    21214: 'INVALID_RECIPIENT', // 'To' cannot be reached
    21215: 'REJECTED', // geo permissions do not allow calls to this number
    21216: 'REJECTED', // the number is blocked
    21217: 'INVALID_RECIPIENT', // phone number does not appear valid
    21220: 'REJECTED', // the call is not in progress: it cannot be updated
  },
  descriptions: {
    13224: 'the number cannot be dialled',
    21210: 'From is not a number of this account',
    21211: 'invalid number',
    21214: 'the number cannot be reached',
    21215: 'calls to this country are not enabled in Geo Permissions',
    21220: 'the call has already ended',
  },
};

export const voiceClient = (ctx: Ctx): ProviderClient => twilioRestClient(ctx, VOICE_TABLE);
const auth = (config: TwilioVoiceConfig) => ({ authorization: twilioBasicAuth(config) });

/**
 * start: the credentials open the account (401/20003 → AUTH, the connection ERROR), each number is one of its
 * numbers, and each number's Voice URL and status callback point at this connection; where Twilio refuses the
 * update the log says what to paste at Twilio instead
 */
export async function startTwilioVoice(ctx: Ctx): Promise<void> {
  const client = voiceClient(ctx);
  await checkTwilioAccount(ctx, client);
  const statusUrl = stepUrl(ctx.webhookUrl, 'status');
  for (const number of ctx.config.phoneNumbers) {
    const url = `${twilioAccountUrl(ctx.config, '/IncomingPhoneNumbers')}?PhoneNumber=${encodeURIComponent(number)}`;
    const list = voiceNumbersSchema.safeParse(
      (await client.call(url, { headers: auth(ctx.config), what: 'IncomingPhoneNumbers' })).json,
    );
    const entry = list.success ? list.data.incoming_phone_numbers.find((n) => n.phone_number === number) : undefined;
    if (!entry) throw new ChannelError('INVALID_CONFIG', `${number} is not a phone number of this Twilio account`);
    if (entry.voice_url === ctx.webhookUrl && entry.status_callback === statusUrl) continue;
    try {
      await client.call(twilioAccountUrl(ctx.config, `/IncomingPhoneNumbers/${encodeURIComponent(entry.sid)}`), {
        headers: auth(ctx.config),
        form: new URLSearchParams({
          VoiceUrl: ctx.webhookUrl,
          VoiceMethod: 'POST',
          StatusCallback: statusUrl,
          StatusCallbackMethod: 'POST',
        }),
        what: 'IncomingPhoneNumbers update',
      });
      ctx.log.info(`${number} now sends its calls to this connection's webhook URL`);
    } catch (error) {
      if (error instanceof ChannelError && error.code === 'AUTH') throw error;
      ctx.log.warn(
        `could not set ${number}'s Voice URL; paste ${ctx.webhookUrl} at Twilio (Phone Numbers → Voice, "A call comes in")`,
      );
    }
  }
}

/**
 * an outbound call: Twilio rings `to`, fetches the `answered` step when it is picked up (AnsweredBy from
 * answering-machine detection), reports every progress to the `status` step and, when calls are recorded, posts
 * the recording (both parties, one channel each) to the `recording` step
 */
export async function placeCall(input: PlaceCallInput, ctx: Ctx): Promise<PlacedCall> {
  const from =
    input.from && ctx.config.phoneNumbers.includes(input.from) ? input.from : (ctx.config.phoneNumbers[0] as string);
  const form = new URLSearchParams({
    To: input.to,
    From: from,
    Url: stepUrl(ctx.webhookUrl, 'answered', input.greeting ? { greeting: input.greeting } : {}),
    Method: 'POST',
    StatusCallback: stepUrl(ctx.webhookUrl, 'status'),
    StatusCallbackMethod: 'POST',
    MachineDetection: 'Enable',
  });
  // each progress is its own callback (https://www.twilio.com/docs/voice/api/call-resource#statuscallbackevent)
  for (const event of ['initiated', 'ringing', 'answered', 'completed']) form.append('StatusCallbackEvent', event);
  if (ctx.config.recordCalls) {
    form.set('Record', 'true');
    form.set('RecordingChannels', 'dual');
    form.set('RecordingStatusCallback', stepUrl(ctx.webhookUrl, 'recording', { customer: input.to, source: 'call' }));
    form.set('RecordingStatusCallbackEvent', 'completed');
  }
  const res = await voiceClient(ctx).call(twilioAccountUrl(ctx.config, '/Calls'), {
    headers: auth(ctx.config),
    form,
    what: 'Calls create',
  });
  const parsed = callResourceSchema.safeParse(res.json);
  if (!parsed.success) throw new ChannelError('UNAVAILABLE', 'Twilio answered a call create without a call sid');
  return { providerCallId: parsed.data.sid, from, to: input.to };
}

/** Twilio's final CallStatus values (https://www.twilio.com/docs/voice/api/call-resource#call-status-values) */
const ENDED = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

/**
 * the calls the hub still holds as open when the connection starts, fetched from Twilio
 * (https://www.twilio.com/docs/voice/api/call-resource#fetch-a-call-resource): Twilio's callbacks to a hub that
 * was not running were lost, and Twilio ends a call whose webhook does not answer
 * (https://www.twilio.com/docs/api/errors/11200). One that ended, or that Twilio does not know (20404), comes back
 * as a status update of our own (parse.ts, RECONCILED_HEADER): Twilio's form fields, filled from the fetched call;
 * one still live is left to its callbacks. A call that cannot be fetched now (Twilio unavailable) waits for the
 * next start.
 */
export async function reconcileCalls(calls: OpenCall[], ctx: Ctx): Promise<ListenedUpdate[]> {
  const client = voiceClient(ctx);
  const updates: ListenedUpdate[] = [];
  for (const call of calls) {
    if (ctx.signal.aborted) break;
    if (!/^CA[0-9a-fA-F]{32}$/.test(call.providerCallId)) continue;
    const form = new URLSearchParams({
      AccountSid: ctx.config.accountSid,
      CallSid: call.providerCallId,
      From: call.from,
      To: call.to,
      Direction: call.direction === 'inbound' ? 'inbound' : 'outbound-api',
    });
    try {
      const res = await client.call(twilioAccountUrl(ctx.config, `/Calls/${call.providerCallId}`), {
        headers: auth(ctx.config),
        what: 'Calls fetch',
      });
      const fetched = callResourceSchema.safeParse(res.json);
      if (!fetched.success || !fetched.data.status || !ENDED.has(fetched.data.status)) continue;
      const f = fetched.data;
      form.set('CallStatus', f.status as string);
      if (f.duration) form.set('CallDuration', f.duration);
      if (f.answered_by) form.set('AnsweredBy', f.answered_by);
      if (f.start_time) form.set('StartTime', f.start_time);
      if (f.end_time) form.set('EndTime', f.end_time);
    } catch (error) {
      if (!(error instanceof ChannelError) || error.providerCode !== '20404') {
        if (error instanceof ChannelError && error.code === 'AUTH') throw error;
        ctx.log.warn(`could not fetch call ${call.providerCallId} from Twilio; it is asked after at the next start`);
        continue;
      }
      form.set('CallStatus', 'unknown');
    }
    updates.push({
      body: Buffer.from(form.toString()),
      headers: { 'content-type': 'application/x-www-form-urlencoded', [RECONCILED_HEADER]: 'fetched' },
    });
  }
  return updates;
}

/** replaces what a live call is doing with new TwiML (it is interrupted at once) */
export async function updateLiveCall(callSid: string, document: string, ctx: Ctx): Promise<void> {
  if (!/^CA[0-9a-fA-F]{32}$/.test(callSid))
    throw new ChannelError('REJECTED', 'this conversation is not a Twilio call');
  await voiceClient(ctx).call(twilioAccountUrl(ctx.config, `/Calls/${callSid}`), {
    headers: auth(ctx.config),
    form: new URLSearchParams({ Twiml: document }),
    what: 'Calls update',
  });
}

/** a recording's file, fetched like every file Twilio holds for us (fetchTwilioFile) */
export async function fetchRecording(
  media: { providerMediaId: string; mimeType?: string },
  ctx: Ctx,
): Promise<FetchedMedia> {
  return fetchTwilioFile(media, ctx, voiceClient(ctx), { name: 'recording', fallbackType: 'audio/wav' });
}
