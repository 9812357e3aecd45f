/**
 * @module media/solid-png
 * A real, decodable PNG of one colour: what a simulator's CDN serves where the provider serves a picture (a profile
 * picture), so a browser test sees an image that renders, not bytes that only claim to be one. Built with the PNG
 * chunks of https://www.w3.org/TR/png/#5Chunk-layout (IHDR, one IDAT, IEND; truecolour, 8 bits, no interlace).
 */
import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

export function solidPng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type 2 (RGB), deflate, filter 0, no interlace
  const row = Buffer.alloc(1 + width * 3); // each scanline starts with its filter byte (0: none)
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** a picture of its own for each seed (a customer id): two customers' pictures differ */
export function pictureFor(seed: string, size = 64): Buffer {
  const [r = 0, g = 0, b = 0] = createHash('sha256').update(seed).digest();
  return solidPng(size, size, [r, g, b]);
}
