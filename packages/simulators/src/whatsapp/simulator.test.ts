import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callGraph } from '../testing/graph-client.js';
import { startWebhookReceiver } from '../testing/webhook-receiver.js';
import { startWhatsAppSimulator, type WhatsAppSimulator } from './simulator.js';

let sim: WhatsAppSimulator;
let token: string;
let phoneId: string;
const V = '/v21.0';
/** `t`: the bearer token (default: the seeded one); null sends none. */
const graph = (
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: Record<string, unknown> | FormData,
  t: string | null = token,
) => callGraph(sim.url, t ?? undefined, method, path, body);
const send = (body: Record<string, unknown>) =>
  graph('POST', `${V}/${phoneId}/messages`, { messaging_product: 'whatsapp', ...body });
const CUSTOMER = '16505551234';

beforeEach(async () => {
  sim = await startWhatsAppSimulator({ receipts: { sentAfterMs: 1, deliveredAfterMs: 2, readAfterMs: 3 } });
  token = sim.defaults!.accessToken;
  phoneId = sim.defaults!.phoneNumberId;
});
afterEach(async () => {
  await sim.close();
});

const graphError = (code: number, extra: Record<string, unknown> = {}) => ({
  error: expect.objectContaining({ code, type: 'OAuthException', fbtrace_id: expect.any(String), ...extra }),
});

describe('auth and objects (https://developers.facebook.com/docs/whatsapp/cloud-api/get-started, https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes)', () => {
  it('answers GET /{phone-number-id} and debug_token for a valid token', async () => {
    const phone = await graph('GET', `${V}/${phoneId}`);
    expect(phone.status).toBe(200);
    expect(phone.body).toMatchObject({
      id: phoneId,
      display_phone_number: '+1 555-078-3881',
      verified_name: 'Switchboard Test',
      quality_rating: 'GREEN',
      code_verification_status: 'VERIFIED',
    });
    const fields = await graph('GET', `${V}/${phoneId}?fields=display_phone_number`);
    expect(fields.body).toEqual({ display_phone_number: '+1 555-078-3881', id: phoneId });
    const dbg = await graph('GET', `${V}/debug_token?input_token=${token}`);
    expect(dbg.body.data).toMatchObject({
      is_valid: true,
      type: 'SYSTEM_USER',
      scopes: expect.arrayContaining(['whatsapp_business_messaging']),
    });
    expect(dbg.body.data.granular_scopes[0].target_ids).toContain(sim.defaults!.wabaId);
    const numbers = await graph('GET', `${V}/${sim.defaults!.wabaId}/phone_numbers`);
    expect(numbers.body.data.map((p: { id: string }) => p.id)).toEqual([phoneId]);
  });

  it('answers 190 for unknown, revoked and expired tokens, and 104 without one', async () => {
    const invalid = await graph('GET', `${V}/${phoneId}`, undefined, 'EAAGnope');
    expect(invalid.status).toBe(401);
    expect(invalid.body).toEqual({
      error: {
        message: 'Invalid OAuth access token - Cannot parse access token',
        type: 'OAuthException',
        code: 190,
        fbtrace_id: expect.any(String),
      },
    });
    expect(invalid.headers.get('www-authenticate')).toContain('invalid_token');
    const revoked = sim.createAccessToken().token;
    sim.revokeToken({ token: revoked });
    expect((await graph('GET', `${V}/${phoneId}`, undefined, revoked)).body).toEqual(
      graphError(190, { error_subcode: 460 }),
    );
    const expiring = sim.createAccessToken({ expiresInMs: 60_000 }).token;
    expect((await graph('GET', `${V}/${phoneId}`, undefined, expiring)).status).toBe(200);
    sim.advanceClock({ ms: 61_000 });
    const expired = await graph('GET', `${V}/${phoneId}`, undefined, expiring);
    expect(expired.body.error).toMatchObject({
      code: 190,
      error_subcode: 463,
      message: expect.stringMatching(/^Error validating access token: Session has expired on /),
    });
    expect((await graph('GET', `${V}/${phoneId}`, undefined, null)).body.error).toMatchObject({
      code: 104,
      message: 'An access token is required to request this resource.',
    });
  });

  it('hides objects of other WABAs and unknown ids behind 100/33', async () => {
    const other = sim.createBusinessAccount();
    const scoped = sim.createAccessToken({ wabaIds: [other.id] }).token;
    const hidden = await graph('GET', `${V}/${phoneId}`, undefined, scoped);
    expect(hidden.status).toBe(400);
    expect(hidden.body.error).toMatchObject({
      code: 100,
      error_subcode: 33,
      type: 'GraphMethodException',
      message: `Unsupported get request. Object with ID '${phoneId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    });
    expect(
      (
        await send({ to: CUSTOMER, text: { body: 'x' } }).then(() =>
          graph('POST', `${V}/999/messages`, { messaging_product: 'whatsapp' }),
        )
      ).body.error.message,
    ).toMatch(/^Unsupported post request/);
  });
});

describe('POST /messages', () => {
  it('accepts text inside the service window with the documented response', async () => {
    sim.sendText({ from: CUSTOMER, text: 'hi', profileName: 'Sheena' });
    const r = await send({
      recipient_type: 'individual',
      to: `+${CUSTOMER}`,
      type: 'text',
      text: { body: 'Hello!', preview_url: false },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: `+${CUSTOMER}`, wa_id: CUSTOMER }],
      messages: [{ id: expect.stringMatching(/^wamid\.[A-Za-z0-9+/=]+$/) }],
    });
    const [sent] = sim.sentMessages({ to: CUSTOMER });
    expect(sent).toMatchObject({
      wamid: r.body.messages[0].id,
      type: 'text',
      category: 'service',
      pricing: { billable: false, type: 'free_customer_service' },
    });
  });

  it('rejects bad envelopes with #100', async () => {
    expect(
      (await graph('POST', `${V}/${phoneId}/messages`, { to: CUSTOMER, text: { body: 'x' } })).body.error.message,
    ).toBe('(#100) The parameter messaging_product is required.');
    expect((await send({ text: { body: 'x' } })).body.error.message).toBe('(#100) The parameter to is required.');
    expect((await send({ to: CUSTOMER, type: 'hologram' })).body.error.message).toMatch(
      /^\(#100\) Param type must be one of \{AUDIO, CONTACTS/,
    );
    expect((await send({ to: CUSTOMER, type: 'text', text: { body: 'x'.repeat(4097) } })).body.error.message).toBe(
      "(#100) Param text['body'] must be at most 4096 characters long.",
    );
    expect(
      (await send({ to: CUSTOMER, type: 'audio', audio: { link: 'https://x.test/a.mp3', caption: 'no' } })).body.error
        .message,
    ).toBe('(#100) Unexpected key "caption" on param "audio".');
  });

  it('enforces the 24 h window: async failed status by default, sync 131047 when configured', async () => {
    const hub = await startWebhookReceiver();
    try {
      await sim.configureWebhook({ url: hub.url, verify: false });
      const r = await send({ to: CUSTOMER, type: 'text', text: { body: 'cold outreach' } });
      expect(r.status).toBe(200);
      const [req] = await hub.waitFor(1);
      const status = JSON.parse(req!.body.toString()).entry[0].changes[0].value.statuses[0];
      expect(status).toMatchObject({
        id: r.body.messages[0].id,
        status: 'failed',
        recipient_id: CUSTOMER,
        errors: [
          {
            code: 131047,
            title: 'Re-engagement message',
            message: 'Re-engagement message',
            error_data: {
              details:
                'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
            },
          },
        ],
      });
      // the window opens with an inbound message and closes 24 h later
      sim.sendText({ from: CUSTOMER, text: 'hello' });
      expect(sim.sentMessages()).toHaveLength(1);
    } finally {
      await hub.close();
    }
    const strict = await startWhatsAppSimulator({ windowErrorMode: 'sync' });
    try {
      const body = { messaging_product: 'whatsapp', to: CUSTOMER, text: { body: 'x' } };
      const path = `/v21.0/${strict.defaults!.phoneNumberId}/messages`;
      const closed = await callGraph(strict.url, strict.defaults!.accessToken, 'POST', path, body);
      expect(closed.status).toBe(400);
      expect(closed.body).toEqual({
        error: {
          message: '(#131047) Re-engagement message',
          type: 'OAuthException',
          code: 131047,
          error_data: {
            messaging_product: 'whatsapp',
            details:
              'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
          },
          fbtrace_id: expect.any(String),
        },
      });
      strict.sendText({ from: CUSTOMER, text: 'hi' });
      expect((await callGraph(strict.url, strict.defaults!.accessToken, 'POST', path, body)).status).toBe(200);
      strict.advanceClock({ ms: 24 * 3600 * 1000 + 1000 });
      expect((await callGraph(strict.url, strict.defaults!.accessToken, 'POST', path, body)).body.error.code).toBe(
        131047,
      );
    } finally {
      await strict.close();
    }
  });

  it('validates templates against the stored one and renders them', async () => {
    sim.createTemplate({
      name: 'order_update',
      language: 'en_US',
      category: 'UTILITY',
      components: [
        { type: 'HEADER', format: 'IMAGE' },
        { type: 'BODY', text: 'Hi {{1}}, order {{2}} is on its way.' },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'QUICK_REPLY', text: 'Thanks' },
            { type: 'URL', text: 'Track', url: 'https://x.test/t/{{1}}' },
          ],
        },
      ],
    });
    const template = (components: unknown[], name = 'order_update', code = 'en_US') =>
      send({ to: CUSTOMER, type: 'template', template: { name, language: { code }, components } });
    const header = { type: 'header', parameters: [{ type: 'image', image: { link: 'https://x.test/i.png' } }] };
    const url = { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'A1' }] };
    const ok = await template([
      header,
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Ada' },
          { type: 'text', text: '12CR007' },
        ],
      },
      url,
    ]);
    expect(ok.status).toBe(200);
    expect(ok.body.messages[0]).toEqual({ id: expect.any(String), message_status: 'accepted' });
    expect(sim.sentMessages().at(-1)!.rendered).toEqual({
      header: '[IMAGE]',
      body: 'Hi Ada, order 12CR007 is on its way.',
      buttons: ['Thanks', 'Track <https://x.test/t/A1>'],
    });

    const wrongCount = await template([header, { type: 'body', parameters: [{ type: 'text', text: 'Ada' }] }, url]);
    expect(wrongCount.body).toEqual({
      error: {
        message: '(#132000) Number of parameters does not match the expected number of params',
        type: 'OAuthException',
        code: 132000,
        error_data: {
          messaging_product: 'whatsapp',
          details: 'body: number of localizable_params (1) does not match the expected number of params (2)',
        },
        fbtrace_id: expect.any(String),
      },
    });
    const missing = await template([], 'order_updat');
    expect(missing.body.error).toMatchObject({
      code: 132001,
      message: '(#132001) Template name does not exist in the translation',
      error_data: { details: 'template name (order_updat) does not exist in en_US' },
    });
    expect((await template([], 'order_update', 'pt_BR')).body.error.code).toBe(132001);
    const noHeader = await template([
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      },
      url,
    ]);
    expect(noHeader.body.error).toMatchObject({
      code: 132012,
      error_data: { details: 'header: Format mismatch, expected IMAGE, received UNKNOWN' },
    });
    sim.setTemplateStatus({ name: 'order_update', status: 'PAUSED' });
    expect((await template([])).body.error.code).toBe(132015);
  });

  it('sends media by uploaded id and by link, and rejects unknown ids', async () => {
    sim.sendText({ from: CUSTOMER, text: 'hi' });
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', 'image/png');
    form.set('file', new File([Buffer.from('png-bytes')], 'p.png', { type: 'image/png' }));
    const up = await graph('POST', `${V}/${phoneId}/media`, form);
    expect(up.body).toEqual({ id: expect.stringMatching(/^\d+$/) });
    expect((await send({ to: CUSTOMER, type: 'image', image: { id: up.body.id, caption: 'pic' } })).status).toBe(200);
    const bad = await send({ to: CUSTOMER, type: 'image', image: { id: '123' } });
    expect(bad.body.error).toMatchObject({
      code: 100,
      error_data: { details: "Param image['id'] is not a valid whatsapp business account media attachment ID" },
    });
    const host = await startWebhookReceiver();
    host.fallback = (req) => (req.path === '/doc.pdf' ? { status: 200, body: Buffer.from('%PDF') } : { status: 404 });
    try {
      const okLink = await send({
        to: CUSTOMER,
        type: 'document',
        document: { link: `${host.url}/doc.pdf`, filename: 'doc.pdf' },
      });
      const badLink = await send({ to: CUSTOMER, type: 'document', document: { link: `${host.url}/missing.pdf` } });
      await new Promise((r) => setTimeout(r, 60));
      const records = sim.sentMessages();
      expect(records.find((m) => m.wamid === okLink.body.messages[0].id)!.fetchedMedia).toMatchObject({
        status: 200,
        size: 4,
      });
      const failed = records.find((m) => m.wamid === badLink.body.messages[0].id)!;
      expect(failed.failure).toMatchObject({
        code: 131053,
        details: 'Downloading media from weblink failed with http code 404, status message Not Found',
      });
      expect(failed.statuses.map((s) => s.status)).toEqual(['failed']);
    } finally {
      await host.close();
    }
  });

  it('validates interactive buttons and lists', async () => {
    sim.sendText({ from: CUSTOMER, text: 'hi' });
    const buttons = (n: number, title = 'Ok') => ({
      type: 'button',
      body: { text: 'Pick' },
      action: {
        buttons: Array.from({ length: n }, (_, i) => ({
          type: 'reply',
          reply: { id: `b${i}`, title: `${title}${i}` },
        })),
      },
    });
    expect((await send({ to: CUSTOMER, type: 'interactive', interactive: buttons(3) })).status).toBe(200);
    expect((await send({ to: CUSTOMER, type: 'interactive', interactive: buttons(4) })).body.error).toMatchObject({
      code: 131009,
      message: '(#131009) Parameter value is not valid',
    });
    expect(
      (await send({ to: CUSTOMER, type: 'interactive', interactive: buttons(1, 'x'.repeat(21)) })).body.error.code,
    ).toBe(131009);
    const rows = Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }));
    const list = {
      type: 'list',
      body: { text: 'Choose' },
      action: { button: 'Options', sections: [{ title: 'S', rows }] },
    };
    expect((await send({ to: CUSTOMER, type: 'interactive', interactive: list })).body.error.error_data.details).toBe(
      'Total row count exceed max allowed count: 10',
    );
    list.action.sections[0]!.rows = rows.slice(0, 10);
    expect((await send({ to: CUSTOMER, type: 'interactive', interactive: list })).status).toBe(200);
  });

  it('sends location, contacts and reactions, and marks inbound messages read', async () => {
    const inbound = sim.sendText({ from: CUSTOMER, text: 'hi' });
    expect(
      (await send({ to: CUSTOMER, type: 'location', location: { latitude: 52.52, longitude: 13.4, name: 'HQ' } }))
        .status,
    ).toBe(200);
    expect(
      (
        await send({
          to: CUSTOMER,
          type: 'contacts',
          contacts: [{ name: { formatted_name: 'Support' }, phones: [{ phone: '+1 555 0100' }] }],
        })
      ).status,
    ).toBe(200);
    expect((await send({ to: CUSTOMER, type: 'contacts', contacts: [{ phones: [] }] })).body.error.message).toBe(
      "(#100) The parameter contacts[0]['name']['formatted_name'] is required.",
    );
    expect(
      (await send({ to: CUSTOMER, type: 'reaction', reaction: { message_id: inbound.wamid, emoji: '👍' } })).status,
    ).toBe(200);
    const read = await send({ status: 'read', message_id: inbound.wamid });
    expect(read.body).toEqual({ success: true });
    expect(sim.receivedMessages({ from: CUSTOMER })[0]!.readByBusinessAt).toEqual(expect.any(Number));
  });

  it('reports undeliverable numbers asynchronously (131026) and test-number allow lists synchronously (131030)', async () => {
    sim.createCustomer({ waId: '15550001111', undeliverable: true });
    const r = await send({
      to: '15550001111',
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    expect(r.status).toBe(200);
    await new Promise((res) => setTimeout(res, 20));
    expect(sim.sentMessages({ to: '15550001111' })[0]!.statuses).toMatchObject([
      { status: 'failed', errors: [{ code: 131026, title: 'Message undeliverable' }] },
    ]);
    const test = sim.createPhoneNumber({ allowedRecipients: [CUSTOMER] });
    const blocked = await graph('POST', `${V}/${test.id}/messages`, {
      messaging_product: 'whatsapp',
      to: '4915112345678',
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    expect(blocked.body.error).toMatchObject({
      code: 131030,
      error_subcode: 2494010,
      message: '(#131030) Recipient phone number not in allowed list',
    });
  });

  it('maps aliases to the wa_id in the response', async () => {
    sim.createCustomer({ waId: '5511987654321', aliases: ['551187654321'] });
    const r = await send({
      to: '+55 11 8765-4321',
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    expect(r.body.contacts).toEqual([{ input: '+55 11 8765-4321', wa_id: '5511987654321' }]);
  });
});

describe('rate limits (https://developers.facebook.com/docs/whatsapp/cloud-api/overview#throughput)', () => {
  it('answers 130429 above the per-number throughput', async () => {
    sim.setRateLimits({ limits: {}, throughputMps: 3 });
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push(
        await send({
          to: `1555000${1000 + i}`,
          type: 'template',
          template: { name: 'hello_world', language: { code: 'en_US' } },
        }),
      );
    expect(results.slice(0, 3).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(results[3]!.status).toBe(400);
    expect(results[3]!.body).toEqual({
      error: {
        message: '(#130429) Rate limit hit',
        type: 'OAuthException',
        code: 130429,
        error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' },
        fbtrace_id: expect.any(String),
      },
    });
  });

  it('answers 131056 when one customer gets too many messages', async () => {
    sim.setRateLimits({ limits: { pairBurst: 2, pairIntervalMs: 60_000 } });
    sim.sendText({ from: CUSTOMER, text: 'hi' });
    const codes = [];
    for (let i = 0; i < 3; i++)
      codes.push((await send({ to: CUSTOMER, text: { body: `m${i}` } })).body.error?.code ?? 200);
    expect(codes).toEqual([200, 200, 131056]);
    const third = await send({ to: CUSTOMER, text: { body: 'again' } });
    expect(third.body.error).toMatchObject({
      message: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
      error_data: {
        details:
          'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
      },
    });
    expect(
      (
        await send({
          to: '15557779999',
          type: 'template',
          template: { name: 'hello_world', language: { code: 'en_US' } },
        })
      ).status,
    ).toBe(200);
  });
});

describe('media (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media)', () => {
  it('uploads, describes, downloads with the bearer only, and deletes', async () => {
    const bytes = Buffer.from('%PDF-1.4 simulated');
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('file', new File([bytes], 'invoice.pdf', { type: 'application/pdf' }));
    const { body: up } = await graph('POST', `${V}/${phoneId}/media`, form);
    const info = await graph('GET', `${V}/${up.id}`);
    expect(info.body).toMatchObject({
      id: up.id,
      mime_type: 'application/pdf',
      file_size: bytes.length,
      messaging_product: 'whatsapp',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const url: string = info.body.url;
    expect(url).toMatch(/\/whatsapp_business\/attachments\/\?mid=\d+&ext=\d+&hash=/);
    expect((await fetch(url)).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).equals(bytes)).toBe(true);
    sim.advanceClock({ ms: 5 * 60 * 1000 + 1000 });
    expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    expect((await graph('DELETE', `${V}/${up.id}`)).body).toEqual({ success: true });
    expect((await graph('GET', `${V}/${up.id}`)).body.error.error_subcode).toBe(33);
  });

  it('rejects uploads without messaging_product or of unsupported types', async () => {
    const form = new FormData();
    form.set('file', new File([Buffer.from('x')], 'a.bin', { type: 'application/x-foo' }));
    expect((await graph('POST', `${V}/${phoneId}/media`, form)).body.error.message).toBe(
      '(#100) The parameter messaging_product is required.',
    );
    form.set('messaging_product', 'whatsapp');
    expect((await graph('POST', `${V}/${phoneId}/media`, form)).body.error.message).toMatch(
      /^\(#100\) Param file must be a file with one of the following types: .* Received file of type 'application\/x-foo'\.$/,
    );
  });
});

describe('templates API', () => {
  it('lists with paging and fields, creates (PENDING → APPROVED) and rejects duplicates', async () => {
    for (const n of ['a_one', 'a_two', 'a_three'])
      sim.createTemplate({ name: n, components: [{ type: 'BODY', text: 'Hi {{1}}' }] });
    const page1 = await graph('GET', `${V}/${sim.defaults!.wabaId}/message_templates?limit=2&fields=name,status`);
    expect(page1.body.data).toEqual([
      { name: 'hello_world', status: 'APPROVED', id: expect.any(String) },
      { name: 'a_one', status: 'APPROVED', id: expect.any(String) },
    ]);
    const page2 = await graph(
      'GET',
      `${V}/${sim.defaults!.wabaId}/message_templates?limit=2&after=${page1.body.paging.cursors.after}`,
    );
    expect(page2.body.data.map((t: { name: string }) => t.name)).toEqual(['a_two', 'a_three']);
    const created = await graph('POST', `${V}/${sim.defaults!.wabaId}/message_templates`, {
      name: 'new_one',
      language: 'en_US',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: 'Sale!' }],
    });
    expect(created.body).toEqual({ id: expect.any(String), status: 'PENDING', category: 'MARKETING' });
    await new Promise((r) => setTimeout(r, 10));
    expect((await graph('GET', `${V}/${created.body.id}`)).body.status).toBe('APPROVED');
    const dup = await graph('POST', `${V}/${sim.defaults!.wabaId}/message_templates`, {
      name: 'new_one',
      language: 'en_US',
      category: 'MARKETING',
      components: [],
    });
    expect(dup.body.error).toMatchObject({ code: 100, error_subcode: 2388024 });
  });
});

describe('faults', () => {
  it('fails the next N calls with catalogue errors, adds latency, and accepts-then-fails', async () => {
    sim.injectFault({ op: 'messages', times: 2, error: { code: 131016 } });
    const first = await send({
      to: CUSTOMER,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    expect(first.status).toBe(503);
    expect(first.body.error).toMatchObject({ code: 131016, message: '(#131016) Service unavailable' });
    expect((await send({ to: CUSTOMER, text: { body: 'x' } })).status).toBe(503);
    sim.injectFault({ op: 'phone.get', latencyMs: 80 });
    const t0 = Date.now();
    await graph('GET', `${V}/${phoneId}`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(70);
    sim.injectFault({ op: 'messages', asyncFailure: { code: 131049 } });
    const accepted = await send({
      to: CUSTOMER,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    expect(accepted.status).toBe(200);
    await new Promise((r) => setTimeout(r, 20));
    expect(sim.sentMessages().at(-1)!.statuses[0]).toMatchObject({ status: 'failed', errors: [{ code: 131049 }] });
  });
});

describe('control API over HTTP', () => {
  it('exposes the handle operations under /_control', async () => {
    const control = async (op: string, args: unknown = {}) => {
      const r = await fetch(`${sim.url}/_control/${op}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(args),
      });
      return (await r.json()) as { ok: boolean; result: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const inbound = await control('sendText', { from: CUSTOMER, text: 'via control' });
    expect(inbound.result.message).toMatchObject({ from: CUSTOMER, type: 'text', text: { body: 'via control' } });
    await send({ to: CUSTOMER, text: { body: 'answer' } });
    const sent = await fetch(`${sim.url}/_control/sentMessages?to=${CUSTOMER}`);
    expect(
      ((await sent.json()) as { result: Array<{ request: { text: { body: string } } }> }).result.map(
        (m) => m.request.text.body,
      ),
    ).toEqual(['answer']);
    const defaults = await control('defaults');
    expect(defaults.result).toMatchObject({ phoneNumberId: phoneId, app: { secret: sim.app.secret } });
    const media = await control('sendMedia', {
      from: CUSTOMER,
      type: 'image',
      dataBase64: Buffer.from('jpg').toString('base64'),
    });
    expect(media.result.message.image).toMatchObject({ mime_type: 'image/jpeg', id: expect.any(String) });
  });
});
