/**
 * @module core/errors
 * Errors a use case reports to its caller, with a stable code and the HTTP status the API answers with
 * (`{error: {code, message}}`, the REST API's error shape).
 */
export const APP_ERROR_STATUS = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  /** a signed link past its expiry (shared media links) */
  GONE: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415, // webchat: visitor uploads outside the allow-list
  WINDOW_CLOSED: 422,
  UNSUPPORTED_CONTENT: 422,
  TEMPLATE_NOT_APPROVED: 422,
  /** the customer opted out of the channel (core/consent): nothing is sent until they opt back in */
  OPTED_OUT: 422,
  /** a running agent's new settings failed the check a start makes (bad key, unknown model, invalid flow) */
  AGENT_CHECK_FAILED: 422,
  CONNECTION_NOT_RUNNING: 409,
  /** the provider refused to place a call (an invalid or forbidden number, a caller id it does not know) */
  CALL_FAILED: 422,
  /** sign-in: the email belongs to several workspaces and none was named */
  WORKSPACE_REQUIRED: 409,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
} as const;
export type AppErrorCode = keyof typeof APP_ERROR_STATUS;

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  get status(): number {
    return APP_ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string): AppError => new AppError('NOT_FOUND', `${what} not found`);
