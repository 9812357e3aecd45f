/** The SDK's contact import and export: the CSV goes as text/csv with the options in the query; errors are ApiErrors. */
import { describe, expect, it } from 'vitest';
import { ApiError, SwitchboardClient } from './index.js';

function recording(answer: Response) {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = [];
  const fetch = (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), init });
    return Promise.resolve(answer);
  };
  return { calls, client: new SwitchboardClient({ token: 'tok', baseUrl: 'http://127.0.0.1:1/', fetch }) };
}

describe('contact import and export in the SDK', () => {
  it('posts the CSV as text/csv with the options in the query and answers the report', async () => {
    const report = { created: 1, updated: 0, unchanged: 0, rejected: [], ignoredColumns: [] };
    const { calls, client } = recording(Response.json(report));
    expect(await client.importContacts('phone\n+4915112345678', { defaultRegion: 'DE' })).toEqual(report);
    expect(calls).toEqual([
      {
        url: 'http://127.0.0.1:1/api/v1/contacts/import?defaultRegion=DE',
        init: {
          method: 'POST',
          headers: { authorization: 'Bearer tok', 'content-type': 'text/csv' },
          body: 'phone\n+4915112345678',
        },
      },
    ]);
  });

  it('answers the export as CSV text and reports a refusal as an ApiError', async () => {
    const { calls, client } = recording(new Response('id,name\n', { headers: { 'content-type': 'text/csv' } }));
    expect(await client.exportContacts({ q: 'Ana Lima', bom: 'true' })).toBe('id,name\n');
    expect(calls[0]?.url).toBe('http://127.0.0.1:1/api/v1/contacts/export.csv?q=Ana+Lima&bom=true');
    const refused = recording(Response.json({ error: { code: 'FORBIDDEN', message: 'admins only' } }, { status: 403 }));
    const error = await refused.client.exportContacts().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, code: 'FORBIDDEN', message: 'admins only' });
    expect(refused.calls[0]?.url).toBe('http://127.0.0.1:1/api/v1/contacts/export.csv');
  });
});
