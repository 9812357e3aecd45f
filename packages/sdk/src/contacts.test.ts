/** The SDK's contact methods call the routes the server serves (paths, methods, bodies) and unwrap their answers. */
import { describe, expect, it } from 'vitest';
import { SwitchboardClient } from './index.js';
import type { paths } from './generated/api.js';

describe('SDK contact methods', () => {
  const calls: Array<{ method: string; url: string; body: unknown }> = [];
  const answers: unknown[] = [];
  const client = new SwitchboardClient({
    token: 't',
    baseUrl: 'http://127.0.0.1:1/',
    fetch: (url, init) => {
      calls.push({
        method: init?.method ?? 'GET',
        url: String(url),
        body: init?.body ? JSON.parse(String(init.body)) : undefined,
      });
      return Promise.resolve(new Response(JSON.stringify(answers.shift() ?? {}), { status: 200 }));
    },
  });

  it('creates, edits, merges, lists duplicates, exports, erases and lists by tag', async () => {
    await client.createContact({ name: 'Ana', identities: [{ channelType: 'whatsapp', address: '+15550101234' }] });
    await client.updateContact('ct_1', { attributes: { city: null }, tags: ['vip'] });
    await client.mergeContacts('ct_1', 'ct_2');
    answers.push({ data: [{ contact: { id: 'ct_3' }, reasons: [{ kind: 'phone', value: '+15550101234' }] }] });
    expect(await client.contactDuplicates('ct_1')).toEqual([
      { contact: { id: 'ct_3' }, reasons: [{ kind: 'phone', value: '+15550101234' }] },
    ]);
    await client.exportContact('ct_1');
    await client.eraseContact('ct/1');
    answers.push({ data: [], nextCursor: null });
    await client.contactsTagged('a b');
    expect(calls.map((c) => [c.method, c.url.replace('http://127.0.0.1:1/api/v1', ''), c.body])).toEqual([
      ['POST', '/contacts', { name: 'Ana', identities: [{ channelType: 'whatsapp', address: '+15550101234' }] }],
      ['PATCH', '/contacts/ct_1', { attributes: { city: null }, tags: ['vip'] }],
      ['POST', '/contacts/ct_1/merge', { otherContactId: 'ct_2' }],
      ['GET', '/contacts/ct_1/duplicates', undefined],
      ['GET', '/contacts/ct_1/export', undefined],
      ['DELETE', '/contacts/ct%2F1', undefined],
      ['GET', '/contacts?tag=a%20b&limit=200', undefined],
    ]);
    // each path is one the server documents (checked by the type checker: the lint step runs tsc over tests)
    const documented: ReadonlyArray<keyof paths> = [
      '/api/v1/contacts',
      '/api/v1/contacts/{id}',
      '/api/v1/contacts/{id}/merge',
      '/api/v1/contacts/{id}/duplicates',
      '/api/v1/contacts/{id}/export',
    ];
    void documented;
  });
});
