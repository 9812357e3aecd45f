// Bird's error answers: `{code, message, details?}` with the HTTP status
// (https://docs.bird.com/api/api-access/api-errors — exact code strings UNCONFIRMED, shapes as documented).

export interface BirdErrorSpec {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  /** seconds for Retry-After (429) */
  retryAfterSeconds?: number;
}

export const BIRD_ERRORS = {
  unauthorized: (): BirdErrorSpec => ({
    status: 401,
    code: 'Unauthorized',
    message: 'The access key is invalid or has been revoked',
  }),
  forbidden: (what: string): BirdErrorSpec => ({
    status: 403,
    code: 'Forbidden',
    message: `The access key is not allowed to access ${what}`,
  }),
  notFound: (what: string): BirdErrorSpec => ({ status: 404, code: 'NotFound', message: `${what} not found` }),
  invalidPayload: (details: Record<string, string[]>): BirdErrorSpec => ({
    status: 422,
    code: 'InvalidPayload',
    message: 'The request payload is invalid',
    details,
  }),
  tooManyRequests: (retryAfterSeconds: number): BirdErrorSpec => ({
    status: 429,
    code: 'TooManyRequests',
    message: 'Too many requests, slow down',
    retryAfterSeconds,
  }),
  internal: (): BirdErrorSpec => ({ status: 500, code: 'InternalServerError', message: 'Internal server error' }),
};

export function errorBody(spec: BirdErrorSpec): { code: string; message: string; details?: unknown } {
  return { code: spec.code, message: spec.message, ...(spec.details !== undefined ? { details: spec.details } : {}) };
}
