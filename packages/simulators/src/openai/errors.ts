// OpenAI API error bodies: `{error: {message, type, param, code}}` with the HTTP statuses and wording of
// https://platform.openai.com/docs/guides/error-codes/api-errors (401 invalid_api_key, 404 model_not_found,
// 400 invalid_request_error with the offending `param`, 429 rate_limit_exceeded with retry-after, 500 server_error).

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export class OpenAiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export function invalidRequest(message: string, param: string | null = null, code: string | null = null): OpenAiError {
  return new OpenAiError(400, message, 'invalid_request_error', param, code);
}

export function missingKey(): OpenAiError {
  return new OpenAiError(
    401,
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
    'invalid_request_error',
  );
}

export function wrongKey(key: string): OpenAiError {
  const shown = key.length > 8 ? `${key.slice(0, 3)}*${'*'.repeat(Math.min(20, key.length - 7))}${key.slice(-4)}` : key;
  return new OpenAiError(
    401,
    `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    'invalid_request_error',
    null,
    'invalid_api_key',
  );
}

export function modelNotFound(model: string): OpenAiError {
  return new OpenAiError(
    404,
    `The model \`${model}\` does not exist or you do not have access to it.`,
    'invalid_request_error',
    null,
    'model_not_found',
  );
}

export function rateLimited(model: string, retryAfterSeconds: number): OpenAiError {
  return new OpenAiError(
    429,
    `Rate limit reached for ${model} in organization org-simulator on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in ${retryAfterSeconds}s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
    'requests',
    null,
    'rate_limit_exceeded',
    {
      'retry-after': String(retryAfterSeconds),
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': `${retryAfterSeconds}s`,
    },
  );
}

export function serverError(): OpenAiError {
  return new OpenAiError(
    500,
    'The server had an error while processing your request. Sorry about that!',
    'server_error',
  );
}

/** a scripted error by status, with the wording OpenAI uses for it */
export function scriptedError(
  spec: {
    status: number;
    message?: string | undefined;
    type?: string | undefined;
    code?: string | null | undefined;
    retryAfterSeconds?: number | undefined;
  },
  model: string,
): OpenAiError {
  if (spec.status === 429 && spec.message === undefined) return rateLimited(model, spec.retryAfterSeconds ?? 20);
  if (spec.status >= 500 && spec.message === undefined)
    return new OpenAiError(spec.status, serverError().message, 'server_error');
  if (spec.status === 401 && spec.message === undefined) return wrongKey('sk-scripted-failure');
  const type =
    spec.type ?? (spec.status === 429 ? 'requests' : spec.status >= 500 ? 'server_error' : 'invalid_request_error');
  const headers: Record<string, string> =
    spec.retryAfterSeconds !== undefined ? { 'retry-after': String(spec.retryAfterSeconds) } : {};
  return new OpenAiError(spec.status, spec.message ?? 'The request failed.', type, null, spec.code ?? null, headers);
}
