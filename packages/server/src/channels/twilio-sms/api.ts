/**
 * @module channels/twilio-sms/api — the Twilio REST calls of the connector: basic auth (Account SID + Auth Token, or
 * an API key, https://www.twilio.com/docs/usage/requests-to-twilio), Twilio's error body mapped once to ChannelError
 * codes (https://www.twilio.com/docs/api/errors), the start checks and the MMS media download.
 */
import {
  ChannelError,
  checkTwilioAccount,
  fetchTwilioFile,
  twilioAccountSchema,
  twilioAccountUrl,
  twilioBasicAuth,
  twilioError as kitTwilioError,
  twilioRestClient,
  type BaseContext,
  type ChannelErrorCode,
  type FetchedMedia,
  type ProviderClient,
  type ProviderHealthCheck,
  type TwilioCodeTable,
  type TwilioErrorBody,
} from '../../channel-kit/index.js';
import type { TwilioSmsConfig } from './config.js';
import { incomingNumbersSchema } from './payloads.js';

type Ctx = BaseContext<TwilioSmsConfig>;

/** Messaging's codes → ours (https://www.twilio.com/docs/api/errors/<code>); the account-wide ones are the kit's */
const SMS_CODES: Record<number, ChannelErrorCode> = {
  14107: 'RATE_LIMITED', // SMS send rate limit exceeded
  21610: 'OPTED_OUT', // the recipient replied STOP
  21211: 'INVALID_RECIPIENT', // invalid 'To' phone number
  21614: 'INVALID_RECIPIENT', // 'To' is not a valid mobile number
  21612: 'INVALID_RECIPIENT', // cannot route to this number
  21408: 'INVALID_RECIPIENT', // region not enabled (geo permissions)
  21606: 'INVALID_CONFIG', // 'From' is not a valid number of this account
  21659: 'INVALID_CONFIG', // 'From' is not a Twilio number
  21617: 'REJECTED', // body exceeds 1,600 characters
};

const SMS_TABLE: TwilioCodeTable = {
  codes: SMS_CODES,
  descriptions: {
    21211: 'invalid number',
    21614: 'not a mobile number',
    21610: 'the recipient opted out (replied STOP)',
  },
};

export const basicAuth = (config: TwilioSmsConfig): string => twilioBasicAuth(config);

export function twilioError(
  status: number,
  body: TwilioErrorBody | undefined,
  retryAfterMs: number | undefined,
): ChannelError {
  return kitTwilioError(status, body, retryAfterMs, SMS_TABLE);
}

export function twilioClient(ctx: Ctx): ProviderClient {
  return twilioRestClient(ctx, SMS_TABLE);
}

export const accountUrl = (config: TwilioSmsConfig, path = ''): string => twilioAccountUrl(config, path);

/** start: the credentials open the account (401/20003 → AUTH), and each `from` number is one of its numbers */
export async function checkAccount(ctx: Ctx): Promise<void> {
  const client = twilioClient(ctx);
  const auth = { authorization: basicAuth(ctx.config) };
  await checkTwilioAccount(ctx, client);
  for (const number of ctx.config.from) {
    const url = `${accountUrl(ctx.config, '/IncomingPhoneNumbers')}?PhoneNumber=${encodeURIComponent(number)}`;
    const list = incomingNumbersSchema.safeParse(
      (await client.call(url, { headers: auth, what: 'IncomingPhoneNumbers' })).json,
    );
    const entry = list.success ? list.data.incoming_phone_numbers.find((n) => n.phone_number === number) : undefined;
    if (!entry) throw new ChannelError('INVALID_CONFIG', `${number} is not a phone number of this Twilio account`);
    if (entry.sms_url === ctx.webhookUrl) continue;
    // point the number's incoming SMS at us (https://www.twilio.com/docs/phone-numbers/api/incomingphonenumber-resource#update-an-incomingphonenumber-resource)
    try {
      await client.call(accountUrl(ctx.config, `/IncomingPhoneNumbers/${encodeURIComponent(entry.sid)}`), {
        headers: auth,
        form: new URLSearchParams({ SmsUrl: ctx.webhookUrl, SmsMethod: 'POST', StatusCallback: ctx.webhookUrl }),
        what: 'IncomingPhoneNumbers update',
      });
      ctx.log.info(`${number} now sends incoming SMS to this connection's webhook URL`);
    } catch (error) {
      if (error instanceof ChannelError && error.code === 'AUTH') throw error;
      ctx.log.warn(`could not set ${number}'s SMS URL; paste ${ctx.webhookUrl} at Twilio (Phone Numbers → Messaging)`);
    }
  }
}

/**
 * MMS media (MediaUrl{N}): Twilio serves it behind the account's basic auth when "HTTP Basic Auth for media" is on
 * (https://www.twilio.com/docs/usage/security#http-authentication); the credentials go only to the API's own host
 */
export async function fetchTwilioMedia(
  media: { providerMediaId: string; mimeType?: string },
  ctx: Ctx,
): Promise<FetchedMedia> {
  return fetchTwilioFile(media, ctx, twilioClient(ctx), { name: 'media', fallbackType: 'application/octet-stream' });
}

/**
 * The provider's health: the account's status (a suspended or closed account sends nothing,
 * https://www.twilio.com/docs/iam/api/account#account-properties), and for each `from` number where Twilio sends its
 * incoming SMS — the number's SmsUrl (https://www.twilio.com/docs/phone-numbers/api/incomingphonenumber-resource):
 * another app that took the number over, or a URL pasted by hand that is not this connection's, loses every reply.
 * The number's StatusCallback is not compared: every send names its own (send.ts), which Twilio prefers over it.
 * Numbers reached only through a Messaging Service (no `from`) route by the service's settings, not read here.
 */
export async function twilioHealth(ctx: Ctx): Promise<ProviderHealthCheck[]> {
  const client = twilioClient(ctx);
  const auth = { authorization: basicAuth(ctx.config) };
  const account = twilioAccountSchema.safeParse(
    (await client.call(accountUrl(ctx.config), { headers: auth, what: 'the account check' })).json,
  );
  if (!account.success) throw new ChannelError('UNAVAILABLE', 'Twilio sent an unreadable account');
  const status = account.data.status ?? 'active';
  const checks: ProviderHealthCheck[] = [
    status === 'active'
      ? { name: 'account', state: 'healthy', detail: `The Twilio account ${ctx.config.accountSid} is active` }
      : {
          name: 'account',
          state: 'failing',
          detail: `Twilio says the account ${ctx.config.accountSid} is ${status}: nothing is sent or received — reactivate it in the Twilio Console`,
        },
  ];
  // one finding for all numbers: each number's problem in its own sentence
  const problems: string[] = [];
  for (const number of ctx.config.from) {
    const url = `${accountUrl(ctx.config, '/IncomingPhoneNumbers')}?PhoneNumber=${encodeURIComponent(number)}`;
    const list = incomingNumbersSchema.safeParse(
      (await client.call(url, { headers: auth, what: 'IncomingPhoneNumbers' })).json,
    );
    const entry = list.success ? list.data.incoming_phone_numbers.find((n) => n.phone_number === number) : undefined;
    if (!entry)
      problems.push(
        `${number} is no longer a phone number of this Twilio account (released or moved) — remove it from the connection's from numbers`,
      );
    else if (entry.sms_url !== ctx.webhookUrl)
      problems.push(
        entry.sms_url
          ? `Twilio sends incoming SMS for ${number} to ${entry.sms_url}, not to ${ctx.webhookUrl} (another app or a hand edit changed it) — restart the connection to point the number here again`
          : `${number} has no incoming SMS URL at Twilio: replies do not reach ${ctx.webhookUrl} — restart the connection to set it`,
      );
    else if (entry.sms_method && entry.sms_method.toUpperCase() !== 'POST')
      problems.push(
        `Twilio calls ${ctx.webhookUrl} for ${number} with ${entry.sms_method}, not POST — restart the connection to set POST`,
      );
  }
  if (ctx.config.from.length > 0)
    checks.push(
      problems.length > 0
        ? { name: 'webhook', state: 'warning', detail: problems.join('; ') }
        : {
            name: 'webhook',
            state: 'healthy',
            detail: `Twilio sends incoming SMS for ${ctx.config.from.join(', ')} to this connection`,
          },
    );
  return checks;
}
