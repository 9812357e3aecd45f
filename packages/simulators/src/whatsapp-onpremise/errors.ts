// The Coreapp's error envelope and the codes it answers with (https://developers.facebook.com/docs/whatsapp/on-premises/errors):
// `{"errors":[{"code":1008,"title":"Required parameter is missing","details":"…"}],"meta":{…}}` with an HTTP status.

/** the `meta` object every Coreapp response carries (https://developers.facebook.com/docs/whatsapp/on-premises/reference) */
export const COREAPP_META = { api_status: 'stable', version: '2.53.1' } as const;

export interface CoreappErrorSpec {
  code: number;
  /** defaults from the catalogue below */
  title?: string;
  details?: string;
  httpStatus?: number;
}

/** code → [title, HTTP status] as the On-Premises error page lists them */
export const COREAPP_ERRORS: Record<number, [string, number]> = {
  470: [
    'Message failed to send because more than 24 hours have passed since the customer last replied to this number',
    200,
  ],
  471: ['User spam rate limit hit', 200],
  480: ['User identity changed', 200],
  1000: ['Generic error', 400],
  1001: ['Message too long', 400],
  1002: ['Invalid recipient type', 400],
  1004: ['Resource already exists', 409],
  1005: ['Access denied', 401],
  1006: ['Resource not found', 404],
  1008: ['Required parameter is missing', 400],
  1009: ['Parameter value is not valid', 400],
  1010: ['Parameter is not required', 400],
  1011: ['Service not ready', 503],
  1013: ['User is not valid', 400],
  1014: ['Internal error', 500],
  1015: ['Too many requests', 429],
  1016: ['System overloaded', 503],
  1022: ['Webhook URL is not configured', 400],
  1024: ['Password change required', 400],
  1026: ['Receiver incapable', 400],
  2000: ['Template param count mismatch', 400],
  2001: ['Template missing', 404],
};

export class CoreappError extends Error {
  readonly code: number;
  readonly title: string;
  readonly details: string | undefined;
  readonly httpStatus: number;
  constructor(spec: CoreappErrorSpec) {
    const [title, status] = COREAPP_ERRORS[spec.code] ?? ['Generic error', 400];
    super(spec.details ?? spec.title ?? title);
    this.code = spec.code;
    this.title = spec.title ?? title;
    this.details = spec.details;
    this.httpStatus = spec.httpStatus ?? status;
  }
  toBody(): unknown {
    return {
      errors: [{ code: this.code, title: this.title, ...(this.details ? { details: this.details } : {}) }],
      meta: COREAPP_META,
    };
  }
}
