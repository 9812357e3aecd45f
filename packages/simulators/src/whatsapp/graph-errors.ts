// Graph API errors: the `{"error":{message,type,code,error_subcode?,error_data?,fbtrace_id}}` envelope and the
// WhatsApp codes with their messages (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes; texts as Meta returns them, see the README for which are
// confirmed). Also the `errors[]` objects of `failed` statuses (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples#message-status-updates).
import { fbtraceId } from '../random-ids.js';
import type { WaErrorObject } from './types.js';

export interface GraphErrorSpec {
  code: number;
  /** Full message including the `(#code)` prefix; default from the catalogue. */
  message?: string;
  type?: string;
  subcode?: number;
  /** `error_data.details`; default from the catalogue. */
  details?: string;
  /** HTTP status; default per code (401 for auth, 400 otherwise). */
  httpStatus?: number;
  userTitle?: string;
  userMessage?: string;
  isTransient?: boolean;
}

interface CatalogueEntry {
  title: string;
  details?: string;
  http?: number;
  /** Messages without the `(#code) ` prefix (Meta's 131026/131049 don't carry one). */
  bare?: boolean;
}

const ERROR_CODES_HREF = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';

/** code → title (message is `(#code) title`) and `error_data.details`. */
export const WHATSAPP_ERRORS: Record<number, CatalogueEntry> = {
  0: { title: 'AuthException', http: 401 },
  3: { title: 'Capability or permissions issue' },
  4: { title: 'Application request limit reached', details: 'Too many API calls from the app.' },
  10: { title: 'Application does not have permission for this action', http: 403 },
  100: { title: 'Invalid parameter' },
  190: { title: 'Invalid OAuth access token - Cannot parse access token', http: 401, bare: true },
  200: { title: 'Permissions error', http: 403 },
  368: { title: 'Temporarily blocked for policies violations' },
  80007: { title: 'Rate limit issues', details: 'The WhatsApp Business Account has reached its rate limit.' },
  130429: { title: 'Rate limit hit', details: 'Cloud API message throughput has been reached.' },
  130472: {
    title: "User's number is part of an experiment",
    details: 'Message was not sent as part of an experiment.',
  },
  130497: { title: 'Business account is restricted from messaging users in this country' },
  131000: { title: 'Something went wrong', details: 'Message failed to send due to an unknown error.', http: 500 },
  131005: { title: 'Access denied', http: 403 },
  131008: { title: 'Required parameter is missing' },
  131009: { title: 'Parameter value is not valid' },
  131016: { title: 'Service unavailable', details: 'A service is temporarily unavailable.', http: 503 },
  131021: { title: 'Recipient cannot be sender', details: 'Sender and recipient phone number is the same.' },
  131026: { title: 'Message undeliverable', details: 'Message Undeliverable.', bare: true },
  131030: {
    title: 'Recipient phone number not in allowed list',
    details: 'Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.',
  },
  131031: { title: 'Account has been locked' },
  131042: { title: 'Business eligibility payment issue' },
  131047: {
    title: 'Re-engagement message',
    details:
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  131048: {
    title: 'Spam rate limit hit',
    details:
      'Message failed to send because there are restrictions on how many messages can be sent from this phone number. This may be because too many previous messages were blocked or flagged as spam.',
  },
  131049: {
    title: 'This message was not delivered to maintain healthy ecosystem engagement.',
    details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
    bare: true,
  },
  131050: {
    title:
      'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
    bare: true,
  },
  131051: { title: 'Unsupported message type', details: 'Message type is currently not supported.' },
  131052: { title: 'Media download error' },
  131053: { title: 'Media upload error' },
  131056: {
    title: '(Business Account, Consumer Account) pair rate limit hit',
    details:
      'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
  },
  131057: { title: 'Account in maintenance mode', details: 'Business Account is in maintenance mode.' },
  132000: { title: 'Number of parameters does not match the expected number of params' },
  132001: { title: 'Template name does not exist in the translation' },
  132005: { title: 'Translated text too long' },
  132007: { title: 'Template Format Character Policy Violated' },
  132012: { title: 'Parameter format does not match format in the created template' },
  132015: { title: 'Template is Paused' },
  132016: { title: 'Template is Disabled' },
  133010: { title: 'Account not registered' },
  133016: { title: 'Account register deregister rate limit exceeded' },
  135000: { title: 'Generic user error' },
};

/** A Graph API error response. */
export class GraphError extends Error {
  readonly httpStatus: number;
  constructor(readonly spec: GraphErrorSpec) {
    const entry = WHATSAPP_ERRORS[spec.code];
    super(
      spec.message ??
        (entry ? (entry.bare ? entry.title : `(#${spec.code}) ${entry.title}`) : `(#${spec.code}) Unknown error`),
    );
    this.httpStatus = spec.httpStatus ?? entry?.http ?? 400;
  }

  /** The wire body; `fbtrace_id` is fresh per response like Meta's. */
  toBody(): { error: Record<string, unknown> } {
    const entry = WHATSAPP_ERRORS[this.spec.code];
    const details = this.spec.details ?? entry?.details;
    const error: Record<string, unknown> = {
      message: this.message,
      type: this.spec.type ?? 'OAuthException',
      code: this.spec.code,
    };
    if (this.spec.subcode !== undefined) error.error_subcode = this.spec.subcode;
    if (this.spec.isTransient !== undefined) error.is_transient = this.spec.isTransient;
    if (this.spec.userTitle !== undefined) error.error_user_title = this.spec.userTitle;
    if (this.spec.userMessage !== undefined) error.error_user_msg = this.spec.userMessage;
    if (details !== undefined) error.error_data = { messaging_product: 'whatsapp', details };
    error.fbtrace_id = fbtraceId();
    return { error };
  }
}

/** The `errors[]` item of a `failed` status or an `unsupported` inbound message (v16+ shape: title + message + details). */
export function statusErrorObject(code: number, details?: string, title?: string): WaErrorObject {
  const entry = WHATSAPP_ERRORS[code];
  const t = title ?? entry?.title ?? 'Unknown error';
  return {
    code,
    title: t,
    message: t,
    error_data: { details: details ?? entry?.details ?? t },
    href: ERROR_CODES_HREF,
  };
}

/** Shorthands for the errors the simulator raises itself. */
export const graphErrors = {
  tokenMissing: () =>
    new GraphError({ code: 104, message: 'An access token is required to request this resource.', httpStatus: 401 }),
  tokenInvalid: () => new GraphError({ code: 190 }),
  tokenRevoked: () =>
    new GraphError({
      code: 190,
      subcode: 460,
      message:
        'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
    }),
  tokenExpired: (expiredAt: Date, now: Date) =>
    new GraphError({
      code: 190,
      subcode: 463,
      message: `Error validating access token: Session has expired on ${graphDate(expiredAt)}. The current time is ${graphDate(now)}.`,
    }),
  noPermission: () => new GraphError({ code: 10 }),
  unknownObject: (method: string, id: string) =>
    new GraphError({
      code: 100,
      subcode: 33,
      type: 'GraphMethodException',
      message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    }),
  unknownField: (field: string, nodeType: string) =>
    new GraphError({
      code: 100,
      message: `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})`,
    }),
  unknownPath: (path: string) => new GraphError({ code: 2500, message: `Unknown path components: ${path}` }),
  required: (param: string) => new GraphError({ code: 100, message: `(#100) The parameter ${param} is required.` }),
  invalid: (details: string) => new GraphError({ code: 100, details }),
  paramMessage: (message: string) => new GraphError({ code: 100, message: `(#100) ${message}` }),
  missing: (details: string) => new GraphError({ code: 131008, details }),
  notValid: (details: string) => new GraphError({ code: 131009, details }),
} as const;

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Friday, 17-Jun-22 04:00:00 UTC` — Meta's expiry message format (Meta prints Pacific time; the simulator prints UTC). */
function graphDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC`;
}
