/**
 * @module channels/sip/spool — a connection's files on local disk between the call and the hub's media store: each
 * utterance and the recording (WAV) until the media job fetches it, and one marker per live call, so that a start
 * after a crash knows which calls were cut. A folder of the system's temp dir (TMPDIR): it outlives the process,
 * which is what the markers need, and the media job fetches the files within seconds.
 */
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChannelError } from '../../channel-kit/index.js';
import { SPOOL_FILE } from './parse.js';

export interface LiveMarker {
  callId: string;
  direction?: 'inbound' | 'outbound';
  customer: string;
  business: string;
}

/** files older than this are removed at start: the media job fetched them long ago, or never will */
const KEEP_MS = 7 * 24 * 3600_000;

export function spoolRoot(): string {
  return join(tmpdir(), 'switchboard-sip');
}

/**
 * a folder only the hub's user may enter: call audio is personal data, and the temp dir is shared — a folder made
 * beforehand by another user, or a symlink planted in its place, is refused rather than written into
 */
async function privateDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  const info = await lstat(path);
  const uid = process.getuid?.();
  if (!info.isDirectory() || (uid !== undefined && info.uid !== uid))
    throw new ChannelError('INVALID_CONFIG', `the call spool ${path} belongs to another user or is not a folder`);
  if ((info.mode & 0o077) !== 0) await chmod(path, 0o700);
}

export class Spool {
  private readonly dir: string;
  private readonly live: string;

  constructor(connectionId: string) {
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(connectionId)) throw new ChannelError('INVALID_CONFIG', 'not a connection id');
    this.dir = join(spoolRoot(), connectionId);
    this.live = join(this.dir, 'live');
  }

  /** a file-name stem for a call: its Call-ID may hold any characters */
  callFile(callId: string): string {
    return `c${createHash('sha256').update(callId).digest('hex').slice(0, 24)}`;
  }

  async write(name: string, bytes: Buffer): Promise<string> {
    if (!SPOOL_FILE.test(name)) throw new Error(`not a spool file name: ${name}`);
    await privateDir(spoolRoot());
    await privateDir(this.dir);
    await writeFile(join(this.dir, name), bytes, { mode: 0o600 });
    return name;
  }

  async read(name: string): Promise<Buffer> {
    if (!SPOOL_FILE.test(name)) throw new ChannelError('REJECTED', 'not a file of this connection');
    try {
      return await readFile(join(this.dir, name));
    } catch {
      throw new ChannelError('REJECTED', 'the audio is no longer in the spool');
    }
  }

  async markLive(marker: LiveMarker): Promise<void> {
    await privateDir(spoolRoot());
    await privateDir(this.dir);
    await privateDir(this.live);
    await writeFile(join(this.live, `${this.callFile(marker.callId)}.json`), JSON.stringify(marker), { mode: 0o600 });
  }

  async dropMarker(callId: string): Promise<void> {
    await rm(join(this.live, `${this.callFile(callId)}.json`), { force: true });
  }

  async liveMarkers(): Promise<LiveMarker[]> {
    await this.sweep();
    let names: string[];
    try {
      names = await readdir(this.live);
    } catch {
      return [];
    }
    const out: LiveMarker[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      try {
        const m = JSON.parse(await readFile(join(this.live, name), 'utf8')) as LiveMarker;
        if (typeof m.callId === 'string' && typeof m.customer === 'string' && typeof m.business === 'string')
          out.push(m);
      } catch {
        await rm(join(this.live, name), { force: true });
      }
    }
    return out;
  }

  private async sweep(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    const now = Date.now();
    for (const name of names.filter((n) => SPOOL_FILE.test(n))) {
      const info = await stat(join(this.dir, name)).catch(() => undefined);
      if (info && now - info.mtimeMs > KEEP_MS) await rm(join(this.dir, name), { force: true });
    }
  }
}
