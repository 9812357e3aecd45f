import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, readBoundedJson, readBoundedText } from './bounded-body.js';

function streamed(parts: string[], headers: Record<string, string> = {}): Response {
  const encoder = new TextEncoder();
  let i = 0;
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      if (i < parts.length) controller.enqueue(encoder.encode(parts[i++]));
      else controller.close();
    },
  });
  const res = new Response(body, { headers });
  Object.defineProperty(res, 'pulled', { get: () => pulled });
  return res;
}

describe('bounded response bodies', () => {
  it('reads a body within the cap', async () => {
    expect(await readBoundedText(streamed(['hello ', 'world']), 100)).toBe('hello world');
    expect(await readBoundedJson(streamed(['{"a":', '1}']), 100)).toEqual({ a: 1 });
  });
  it('stops reading as soon as the cap is passed, without waiting for the rest', async () => {
    const res = streamed(Array.from({ length: 1000 }, () => 'x'.repeat(100)));
    await expect(readBoundedText(res, 1000)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect((res as unknown as { pulled: number }).pulled).toBeLessThan(20);
  });
  it('refuses a declared length over the cap before reading', async () => {
    await expect(readBoundedText(streamed(['x'], { 'content-length': '5000' }), 1000)).rejects.toThrow(
      /larger than 1000 bytes/,
    );
  });
});
