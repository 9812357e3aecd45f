/**
 * @module core/agents/bounded-body
 * Reads a response body from an agent's endpoint (LLM, external bot, speech-to-text) with a byte cap: a broken or
 * hostile endpoint must not stream hundreds of megabytes into the hub's memory within the timeout.
 */

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the answer is larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** default cap for agent answers: generous for chat completions and bot replies, tiny next to a flood */
export const AGENT_BODY_LIMIT = 1024 * 1024;

export async function readBoundedText(res: Response, limit = AGENT_BODY_LIMIT): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel().catch(() => undefined);
    throw new BodyTooLargeError(limit);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** JSON with the same cap; a body that is not JSON throws a SyntaxError */
export async function readBoundedJson(res: Response, limit = AGENT_BODY_LIMIT): Promise<unknown> {
  return JSON.parse(await readBoundedText(res, limit)) as unknown;
}
