// Test support: calls a Bot API method the way clients do (JSON, form-urlencoded, query string or multipart).

export type Encoding = 'json' | 'form' | 'query' | 'multipart';

export interface BotApiReply {
  status: number;
  body: {
    ok: boolean;
    result?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    description?: string;
    error_code?: number;
    parameters?: { retry_after?: number };
  };
}

export async function callBotApi(
  baseUrl: string,
  token: string,
  method: string,
  params: Record<string, unknown> = {},
  encoding: Encoding = 'json',
): Promise<BotApiReply> {
  const url = `${baseUrl}/bot${token}/${method}`;
  let res: Response;
  const asString = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  if (encoding === 'json') {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
  } else if (encoding === 'form') {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) form.set(k, asString(v));
    res = await fetch(url, { method: 'POST', body: form });
  } else if (encoding === 'query') {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) q.set(k, asString(v));
    res = await fetch(`${url}?${q.toString()}`);
  } else {
    const form = new FormData();
    for (const [k, v] of Object.entries(params)) {
      if (v instanceof Blob) form.set(k, v, (v as File).name ?? k);
      else form.set(k, asString(v));
    }
    res = await fetch(url, { method: 'POST', body: form });
  }
  return { status: res.status, body: (await res.json()) as BotApiReply['body'] };
}

/** A valid 1×1 PNG. */
export const PNG_1X1 = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

/** A 300×200 PNG header (enough for dimension sniffing). */
export function pngOfSize(width: number, height: number): Buffer {
  const b = Buffer.from(PNG_1X1);
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  return b;
}
