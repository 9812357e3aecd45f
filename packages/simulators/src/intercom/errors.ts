// Intercom's error answers: `{type: "error.list", request_id, errors: [{code, message}]}` with the HTTP status
// (https://developers.intercom.com/docs/references/rest-api/errors/error-objects,
// https://developers.intercom.com/docs/references/rest-api/errors/error-codes — exact messages UNCONFIRMED).
import { randomBytes } from 'node:crypto';

export interface IntercomErrorSpec {
  status: number;
  code: string;
  message: string;
}

export const INTERCOM_ERRORS = {
  unauthorized: (): IntercomErrorSpec => ({ status: 401, code: 'unauthorized', message: 'Access Token Invalid' }),
  tokenRevoked: (): IntercomErrorSpec => ({ status: 401, code: 'token_revoked', message: 'Token revoked' }),
  forbidden: (): IntercomErrorSpec => ({
    status: 403,
    code: 'api_plan_restricted',
    message: 'Active subscription needed.',
  }),
  notFound: (what = 'Resource'): IntercomErrorSpec => ({
    status: 404,
    code: 'not_found',
    message: `${what} Not Found`,
  }),
  parameterInvalid: (message: string): IntercomErrorSpec => ({ status: 400, code: 'parameter_invalid', message }),
  parameterNotFound: (message: string): IntercomErrorSpec => ({ status: 400, code: 'parameter_not_found', message }),
  versionInvalid: (): IntercomErrorSpec => ({
    status: 400,
    code: 'intercom_version_invalid',
    message: 'The requested version could not be found',
  }),
  rateLimited: (limit: number): IntercomErrorSpec => ({
    status: 429,
    code: 'rate_limit_exceeded',
    message: `Exceeded rate limit of ${limit} in 10_seconds`,
  }),
  serverError: (): IntercomErrorSpec => ({ status: 500, code: 'server_error', message: 'Server Error' }),
  unavailable: (): IntercomErrorSpec => ({
    status: 503,
    code: 'service_unavailable',
    message: 'Sorry, the API service is temporarily unavailable',
  }),
};

export function errorBody(spec: IntercomErrorSpec): {
  type: 'error.list';
  request_id: string;
  errors: Array<{ code: string; message: string }>;
} {
  return {
    type: 'error.list',
    request_id: randomBytes(10).toString('hex'),
    errors: [{ code: spec.code, message: spec.message }],
  };
}
