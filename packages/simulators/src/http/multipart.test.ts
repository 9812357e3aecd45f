import { describe, expect, it } from 'vitest';
import { multipartBoundary, parseHeaderParams, parseMultipart } from './multipart.js';

/** Encodes with Node's own (undici) FormData serialiser — an independent multipart encoder. */
async function encode(form: FormData): Promise<{ body: Buffer; contentType: string }> {
  const res = new Response(form);
  return { body: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? '' };
}

describe('parseMultipart', () => {
  it('reads text fields and binary files written by FormData', async () => {
    const binary = Buffer.from([0, 1, 2, 0x0d, 0x0a, 0x2d, 0x2d, 255]);
    const form = new FormData();
    form.set('chat_id', '42');
    form.set('caption', 'héllo\r\nworld');
    form.set('photo', new File([binary], 'pic "1".png', { type: 'image/png' }));
    const { body, contentType } = await encode(form);
    const boundary = multipartBoundary(contentType);
    expect(boundary).toBeDefined();
    const parsed = parseMultipart(body, boundary!);
    expect(parsed.fields.get('chat_id')).toBe('42');
    expect(parsed.fields.get('caption')).toBe('héllo\r\nworld');
    const file = parsed.files.get('photo')!;
    expect(file.contentType).toBe('image/png');
    expect(file.data.equals(binary)).toBe(true);
    expect(file.filename).toMatch(/pic/);
  });

  it('handles quoted parameters and RFC 5987 filenames', () => {
    const p = parseHeaderParams('form-data; name="doc"; filename="a.txt"; filename*=UTF-8\'\'%C3%BC.txt');
    expect(p.get('name')).toBe('doc');
    expect(p.get('filename')).toBe('ü.txt');
    expect(multipartBoundary('multipart/form-data; boundary="abc def"')).toBe('abc def');
    expect(multipartBoundary('application/json')).toBeUndefined();
  });
});
