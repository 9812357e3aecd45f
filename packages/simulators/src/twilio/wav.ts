// A PCM WAV file (RIFF, WAVE_FORMAT_PCM, 16-bit little-endian): what Twilio serves a recording as with the `.wav`
// extension (https://www.twilio.com/docs/voice/api/recording#fetch-a-recording-media-file). The simulator "records"
// a tone per channel, so a test can check the file is real audio of the expected length, not silence.

export interface WavSpec {
  seconds: number;
  /** 1: mono; 2: a dual-channel recording, one party per channel */
  channels?: 1 | 2;
  sampleRate?: number;
  /** tone of each channel, Hz */
  frequencies?: number[];
}

export function pcmWav(spec: WavSpec): Buffer {
  const channels = spec.channels ?? 1;
  const rate = spec.sampleRate ?? 8000;
  const frames = Math.max(1, Math.round(spec.seconds * rate));
  const data = Buffer.alloc(frames * channels * 2);
  const freqs = spec.frequencies ?? [440, 660];
  for (let i = 0; i < frames; i++)
    for (let c = 0; c < channels; c++) {
      const f = freqs[c % freqs.length] ?? 440;
      data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * f * i) / rate) * 12000), (i * channels + c) * 2);
    }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * channels * 2, 28); // byte rate
  header.writeUInt16LE(channels * 2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** reads a PCM WAV's format and length back (what a test checks of a recording) */
export function readWav(
  bytes: Buffer,
): { channels: number; sampleRate: number; bitsPerSample: number; seconds: number; peak: number } | undefined {
  if (bytes.length < 44 || bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE')
    return undefined;
  let offset = 12;
  let fmt: { channels: number; sampleRate: number; bitsPerSample: number } | undefined;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ' && size >= 16) {
      if (bytes.readUInt16LE(body) !== 1) return undefined;
      fmt = {
        channels: bytes.readUInt16LE(body + 2),
        sampleRate: bytes.readUInt32LE(body + 4),
        bitsPerSample: bytes.readUInt16LE(body + 14),
      };
    } else if (id === 'data' && fmt) {
      const length = Math.min(size, bytes.length - body);
      let peak = 0;
      for (let i = body; i + 1 < body + length; i += 2) peak = Math.max(peak, Math.abs(bytes.readInt16LE(i)));
      const seconds = length / (fmt.sampleRate * fmt.channels * (fmt.bitsPerSample / 8));
      return { ...fmt, seconds, peak };
    }
    offset = body + size + (size % 2);
  }
  return undefined;
}
