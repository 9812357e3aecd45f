/** The Telegram connector passes the connector contract with real Update shapes, plus its own mapping rules. */
import { describe, expect, it } from 'vitest';
import {
  isChannelError,
  type HttpClient,
  type OutboundMessage,
  type SendContext,
  type WebhookRequest,
} from '../../channel-kit/index.js';
import { runConnectorContract } from '../../channel-kit/contract.js';
import { InboundEventSchema, type InboundMessageEvent } from '../../model/index.js';
import { telegramConnector, type TelegramConfig } from './index.js';
import { errorBodies, sentMessageBody, updates } from './fixtures/updates.js';
import { telegramFuzz } from './fixtures/fuzz.js';

const config: TelegramConfig = {
  botToken: '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0',
  secretToken: 'wh_secret-token_0123456789abcdef',
  apiBaseUrl: 'https://api.telegram.org',
};
const otherConfig: TelegramConfig = {
  ...config,
  botToken: '7000000002:AAFotherOtherOtherOtherOtherOther12',
  secretToken: 'another_secret-token_9876543210',
};

const request = (update: unknown, secret: string | null = config.secretToken ?? null): WebhookRequest => ({
  method: 'POST',
  url: 'https://hub.example.com/webhooks/conn_1',
  query: {},
  headers: {
    'content-type': 'application/json',
    ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }),
  },
  // tdlib's layout: `{"update_id":N,\n"message":{…}}` (https://core.telegram.org/bots/api#setwebhook)
  rawBody: Buffer.from(JSON.stringify(update).replace(/^\{("update_id":\d+),/, '{$1,\n')),
});

const inbound = telegramConnector.inbound.mode === 'webhook' ? telegramConnector.inbound : undefined;
if (!inbound) throw new Error('the Telegram connector receives webhooks');
const parse = (update: unknown) => inbound.parse(request(update), config);
const firstEvent = (update: unknown): InboundMessageEvent => {
  const out = parse(update);
  if (out.kind !== 'events' || out.events[0]?.kind !== 'message')
    throw new Error(`expected a message event, got ${JSON.stringify(out)}`);
  return out.events[0];
};

runConnectorContract(telegramConnector, {
  config,
  otherSecretConfig: otherConfig,
  requests: [
    { name: 'a private text message', request: request(updates.text), expect: 'events' },
    { name: 'a group text message', request: request(updates.groupText), expect: 'events' },
    { name: 'a supergroup photo with caption', request: request(updates.photo), expect: 'events' },
    { name: 'a document', request: request(updates.document), expect: 'events' },
    { name: 'a voice note', request: request(updates.voice), expect: 'events' },
    { name: 'an audio file', request: request(updates.audio), expect: 'events' },
    { name: 'a video', request: request(updates.video), expect: 'events' },
    { name: 'a sticker', request: request(updates.sticker), expect: 'events' },
    { name: 'a location', request: request(updates.location), expect: 'events' },
    { name: 'a contact', request: request(updates.contact), expect: 'events' },
    { name: 'an edited message', request: request(updates.edited), expect: 'events' },
    { name: 'a callback query (button press)', request: request(updates.callback), expect: 'events' },
    { name: 'a service message (new members)', request: request(updates.newMembers), expect: 'ignored' },
    { name: 'my_chat_member (bot blocked)', request: request(updates.myChatMember), expect: 'ignored' },
  ],
  unknownUpdate: request(updates.poll),
  stripSignature: (req) => ({ ...req, headers: { 'content-type': 'application/json' } }),
  // Telegram signs nothing: the secret token header is the credential, so tampering means altering it
  tamper: (req) => ({
    ...req,
    headers: {
      ...req.headers,
      'x-telegram-bot-api-secret-token': `${String(req.headers['x-telegram-bot-api-secret-token']).slice(0, -1)}X`,
    },
  }),
  fuzz: telegramFuzz,
  features: {
    optOut: { message: request({ ...updates.text, message: { ...updates.text.message, text: 'Halt', entities: [] } }) },
    // getWebhookInfo (https://core.telegram.org/bots/api#webhookinfo): ours, then another app's URL
    health: {
      healthy: [
        {
          status: 200,
          body: '{"ok":true,"result":{"url":"http://localhost/webhooks/conn_contract","has_custom_certificate":false,"pending_update_count":0,"max_connections":40}}',
        },
      ],
      warning: {
        answers: [
          {
            status: 200,
            body: '{"ok":true,"result":{"url":"https://other.example/tg-hook","has_custom_certificate":false,"pending_update_count":3}}',
          },
        ],
        mentions: 'https://other.example/tg-hook',
      },
      auth: { status: 401, body: errorBodies.unauthorized },
    },
    typing: {
      to: '5123456789',
      success: [{ status: 200, body: '{"ok":true,"result":true}' }],
      auth: { status: 401, body: errorBodies.unauthorized },
    },
    fetchMedia: {
      media: { providerMediaId: 'AgACAgIAAxkBAAIBZ2' },
      // getFile, then the bytes from /file/bot<token>/<file_path> (https://core.telegram.org/bots/api#getfile)
      success: [
        {
          status: 200,
          body: '{"ok":true,"result":{"file_id":"AgACAgIAAxkBAAIBZ2","file_unique_id":"AQADx","file_size":4,"file_path":"photos/file_7.jpg"}}',
        },
        { status: 200, headers: { 'content-type': 'image/jpeg' }, body: 'JPEG' },
      ],
      auth: { status: 401, body: errorBodies.unauthorized },
    },
  },
  absentFeatures: {
    readReceipts: 'the Bot API reports no read state, neither way',
    templates: 'a bot may write first in any chat that allowed it; there are no provider-approved templates',
    senders: 'one connection is one bot, so there is one sender',
    visitors: 'customers write from their own Telegram accounts',
  },
  send: {
    message: {
      id: 'msg_1',
      conversationId: 'conv_1',
      to: '5123456789',
      content: { type: 'text', text: 'Thanks, Ana! We are on it.' },
    },
    success: { status: 200, body: sentMessageBody },
    auth: { status: 401, body: errorBodies.unauthorized },
    rateLimited: { status: 429, body: errorBodies.tooManyRequests },
    unavailable: { status: 502, headers: { 'content-type': 'text/html' }, body: errorBodies.badGatewayHtml },
  },
});

describe('telegram parse', () => {
  it('keys messages by chat id and message id, the sender by user id, with the full name', () => {
    const e = firstEvent(updates.text);
    expect(e).toMatchObject({
      providerMessageId: '5123456789:17',
      from: { address: '5123456789', name: 'Ana Silva' },
      content: { type: 'text', text: '/start hello, I need help with order #42' },
      timestamp: '2024-05-29T16:26:40.000Z',
    });
    expect(e.threadKey).toBeUndefined();
    expect(e.edit).toBeUndefined();
  });

  it('threads group and supergroup messages by the chat id', () => {
    expect(firstEvent(updates.groupText)).toMatchObject({
      providerMessageId: '-4012345678:301',
      threadKey: '-4012345678',
      from: { address: '5123456789' },
    });
    expect(firstEvent(updates.photo).threadKey).toBe('-1001987654321');
  });

  it('takes the largest photo size and leaves the file pending with its file_id', () => {
    expect(firstEvent(updates.photo).content).toEqual({
      type: 'image',
      media: {
        url: '',
        mimeType: 'image/jpeg',
        size: 81_736,
        caption: 'the damaged box',
        providerMediaId: 'AgACAgQAAxkBAAIBZWZ0large',
        state: 'pending',
      },
    });
  });

  it('maps every media kind with its mime type, name, size and caption', () => {
    expect(firstEvent(updates.document).content).toEqual({
      type: 'document',
      media: {
        url: '',
        mimeType: 'application/pdf',
        fileName: 'invoice-2024-05.pdf',
        size: 48_213,
        caption: 'invoice attached',
        providerMediaId: 'BQACAgQAAxkBAAIBaGZ0doc',
        state: 'pending',
      },
    });
    expect(firstEvent(updates.voice).content).toMatchObject({
      type: 'audio',
      media: { mimeType: 'audio/ogg', providerMediaId: 'AwACAgQAAxkBAAIBaWZ0voice' },
    });
    expect(firstEvent(updates.audio).content).toMatchObject({
      type: 'audio',
      media: { mimeType: 'audio/mpeg', fileName: 'jingle.mp3' },
    });
    expect(firstEvent(updates.video).content).toMatchObject({
      type: 'video',
      media: { mimeType: 'video/mp4', fileName: 'unboxing.mp4', caption: 'see for yourself' },
    });
    expect(firstEvent(updates.sticker).content).toMatchObject({
      type: 'sticker',
      media: { mimeType: 'image/webp', caption: '👍', providerMediaId: 'CAACAgIAAxkBAAIBbGZ0sticker' },
    });
  });

  it('maps locations and contacts', () => {
    expect(firstEvent(updates.location).content).toEqual({
      type: 'location',
      location: { latitude: -23.550_52, longitude: -46.633_308 },
    });
    expect(firstEvent(updates.contact).content).toEqual({
      type: 'contact',
      contacts: [{ name: 'Bruno Costa', phones: ['+5511987654321'], emails: [] }],
    });
  });

  it('marks an edit with the original message id and the edit time', () => {
    const e = firstEvent(updates.edited);
    expect(e).toMatchObject({
      providerMessageId: firstEvent(updates.text).providerMessageId,
      edit: true,
      timestamp: new Date(1_717_000_300_000).toISOString(),
    });
    expect(e.content).toEqual({ type: 'text', text: '/start hello, I need help with order #43' });
  });

  it('turns a button press into a button_reply and answers the query in the webhook reply', () => {
    const out = parse(updates.callback);
    expect(out.kind).toBe('events');
    if (out.kind !== 'events') return;
    expect(out.events[0]).toMatchObject({
      kind: 'message',
      providerMessageId: 'callback:4382bfdwdsb323b2d9',
      from: { address: '5123456789', name: 'Ana Silva' },
      content: {
        type: 'interactive',
        interactive: {
          kind: 'button_reply',
          reply: { id: 'helpful_yes', title: 'Yes 👍' },
          text: 'Was this answer helpful?',
        },
      },
    });
    expect(out.reply).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'answerCallbackQuery', callback_query_id: '4382bfdwdsb323b2d9' }),
    });
  });

  it('says which update kind it ignored, and never throws on odd bodies', () => {
    expect(parse(updates.poll)).toEqual({ kind: 'ignored', reason: 'update kind poll is not handled' });
    for (const body of [[], 42, null, { update_id: 'x' }, { update_id: 1, message: { message_id: 1 } }]) {
      expect(() => parse(body)).not.toThrow();
      expect(parse(body).kind).toBe('ignored');
    }
  });

  it('names our bot as the address written to once start learned its username', () => {
    expect(inbound.parse(request(updates.text), { ...config, botUsername: 'acme_support_bot' })).toMatchObject({
      events: [{ to: 'acme_support_bot' }],
    });
  });

  it('gives update_id as the event key', () => {
    expect(inbound.eventKey?.(request(updates.callback))).toBe('871230012');
    expect(inbound.eventKey?.({ ...request(updates.text), rawBody: Buffer.from('nope') })).toBeUndefined();
  });

  it('yields schema-valid events for every fixture', () => {
    for (const u of Object.values(updates)) {
      const out = parse(u);
      if (out.kind === 'events') for (const e of out.events) expect(() => InboundEventSchema.parse(e)).not.toThrow();
    }
  });
});

describe('telegram verify', () => {
  it('answers 401 for a missing or wrong secret token and when none is configured', () => {
    expect(inbound.verify(request(updates.text, null), config)).toMatchObject({ ok: false, status: 401 });
    expect(inbound.verify(request(updates.text, 'wrong'), config)).toMatchObject({ ok: false, status: 401 });
    const { secretToken: _none, ...noSecret } = config;
    expect(inbound.verify(request(updates.text), noSecret).ok).toBe(false);
  });
});

describe('telegram config', () => {
  it('generates a secret token Telegram accepts, and keeps a given one', () => {
    const prepare = telegramConnector.prepareConfig;
    if (!prepare) throw new Error('prepareConfig expected');
    const generated = prepare({ botToken: config.botToken, apiBaseUrl: config.apiBaseUrl }, () => 'ab+c/d=e_f-g');
    expect(generated.secretToken).toMatch(/^[A-Za-z0-9_-]{32,256}$/);
    expect(prepare(config, () => 'zzz').secretToken).toBe(config.secretToken);
    expect(telegramConnector.configSchema.safeParse({ botToken: 'not a token' }).success).toBe(false);
    expect(telegramConnector.configSchema.parse({ botToken: config.botToken }).apiBaseUrl).toBe(
      'https://api.telegram.org',
    );
  });
});

interface Seen {
  url: string;
  method: string;
  contentType: string | null;
  json?: Record<string, unknown>;
  form?: FormData;
}
function scripted(answers: Array<{ status: number; body: string; headers?: Record<string, string> } | Error>): {
  http: HttpClient;
  seen: Seen[];
} {
  const seen: Seen[] = [];
  const http: HttpClient = async (url, init) => {
    const body = init?.body;
    const entry: Seen = {
      url,
      method: init?.method ?? 'GET',
      contentType: new Headers(init?.headers).get('content-type'),
    };
    if (typeof body === 'string') entry.json = JSON.parse(body) as Record<string, unknown>;
    if (body instanceof FormData) entry.form = body;
    seen.push(entry);
    const next = answers.shift() ?? { status: 200, body: sentMessageBody };
    if (next instanceof Error) throw next;
    return new Response(next.body, {
      status: next.status,
      headers: next.headers ?? { 'content-type': 'application/json' },
    });
  };
  return { http, seen };
}
const ctxWith = (
  http: HttpClient,
  read = (): Promise<{ bytes: Buffer; mimeType: string; fileName?: string }> =>
    Promise.resolve({ bytes: Buffer.from('PNGDATA'), mimeType: 'image/png', fileName: 'box.png' }),
): SendContext<TelegramConfig> => ({
  connectionId: 'conn_1',
  config,
  webhookUrl: 'https://hub.example.com/webhooks/conn_1',
  http,
  signal: new AbortController().signal,
  log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  media: { read },
});
const message = (content: OutboundMessage['content'], extra: Partial<OutboundMessage> = {}): OutboundMessage => ({
  id: 'msg_1',
  conversationId: 'conv_1',
  to: '5123456789',
  content,
  ...extra,
});
const failure = async (body: string, status: number) => {
  const { http } = scripted([{ status, body }]);
  return telegramConnector.send(message({ type: 'text', text: 'x' }), ctxWith(http)).then(
    () => undefined,
    (e: unknown) => e,
  );
};

describe('telegram send', () => {
  it('sends text to the private chat and keys the receipt like inbound messages', async () => {
    const { http, seen } = scripted([]);
    const receipt = await telegramConnector.send(message({ type: 'text', text: 'hello' }), ctxWith(http));
    expect(receipt).toEqual({ providerMessageId: '5123456789:26' });
    expect(seen[0]).toMatchObject({
      url: `https://api.telegram.org/bot${config.botToken}/sendMessage`,
      method: 'POST',
      contentType: 'application/json',
      json: { chat_id: '5123456789', text: 'hello' },
    });
  });

  it('sends into the group chat of a group conversation, replying to a message of that chat', async () => {
    const { http, seen } = scripted([]);
    await telegramConnector.send(
      message(
        { type: 'text', text: 'hi all' },
        { threadKey: '-4012345678', replyToProviderMessageId: '-4012345678:301' },
      ),
      ctxWith(http),
    );
    expect(seen[0]?.json).toEqual({
      chat_id: '-4012345678',
      text: 'hi all',
      reply_parameters: { message_id: 301, allow_sending_without_reply: true },
    });
  });

  it('sends buttons as an inline keyboard with the button ids as callback data', async () => {
    const { http, seen } = scripted([]);
    await telegramConnector.send(
      message({
        type: 'interactive',
        interactive: {
          kind: 'buttons',
          text: 'Helpful?',
          buttons: [
            { id: 'yes', title: 'Yes' },
            { id: 'no', title: 'No' },
          ],
        },
      }),
      ctxWith(http),
    );
    expect(seen[0]?.json).toEqual({
      chat_id: '5123456789',
      text: 'Helpful?',
      reply_markup: {
        inline_keyboard: [[{ text: 'Yes', callback_data: 'yes' }], [{ text: 'No', callback_data: 'no' }]],
      },
    });
    const tooLong = await telegramConnector
      .send(
        message({
          type: 'interactive',
          interactive: { kind: 'buttons', text: 'x', buttons: [{ id: 'x'.repeat(65), title: 'X' }] },
        }),
        ctxWith(http),
      )
      .catch((e: unknown) => e);
    expect(isChannelError(tooLong) && tooLong.code).toBe('REJECTED');
  });

  it('uploads media by multipart with the caption, and ogg audio as a voice note', async () => {
    const { http, seen } = scripted([]);
    await telegramConnector.send(
      message({ type: 'image', media: { url: '/media/m1', mimeType: 'image/png', caption: 'your label' } }),
      ctxWith(http),
    );
    expect(seen[0]?.url).toMatch(/\/sendPhoto$/);
    const form = seen[0]?.form;
    expect(form?.get('chat_id')).toBe('5123456789');
    expect(form?.get('caption')).toBe('your label');
    const photo = form?.get('photo') as File;
    expect(photo.name).toBe('box.png');
    expect(photo.type).toBe('image/png');
    expect(Buffer.from(await photo.arrayBuffer()).toString()).toBe('PNGDATA');

    await telegramConnector.send(
      message({ type: 'audio', media: { url: '/media/m2', mimeType: 'audio/ogg' } }),
      ctxWith(http, () => Promise.resolve({ bytes: Buffer.from('OggS'), mimeType: 'audio/ogg' })),
    );
    expect(seen[1]?.url).toMatch(/\/sendVoice$/);
    expect(seen[1]?.form?.get('voice')).toBeInstanceOf(Blob);
    await telegramConnector.send(
      message({ type: 'sticker', media: { url: '/media/m3', mimeType: 'image/webp', caption: 'ignored' } }),
      ctxWith(http, () => Promise.resolve({ bytes: Buffer.from('RIFF'), mimeType: 'image/webp' })),
    );
    expect(seen[2]?.url).toMatch(/\/sendSticker$/);
    expect(seen[2]?.form?.get('caption')).toBeNull();
  });

  it('sends locations and contacts', async () => {
    const { http, seen } = scripted([]);
    await telegramConnector.send(
      message({ type: 'location', location: { latitude: 1.5, longitude: -2.25 } }),
      ctxWith(http),
    );
    await telegramConnector.send(
      message({ type: 'contact', contacts: [{ name: 'Acme Desk', phones: ['+15550001'], emails: [] }] }),
      ctxWith(http),
    );
    expect(seen.map((s) => [s.url.split('/').pop(), s.json])).toEqual([
      ['sendLocation', { chat_id: '5123456789', latitude: 1.5, longitude: -2.25 }],
      ['sendContact', { chat_id: '5123456789', phone_number: '+15550001', first_name: 'Acme Desk' }],
    ]);
  });

  it('refuses content Telegram cannot carry', async () => {
    const { http, seen } = scripted([]);
    const e = await telegramConnector
      .send(message({ type: 'template', template: { name: 'x', language: 'en', variables: {} } }), ctxWith(http))
      .catch((error: unknown) => error);
    expect(isChannelError(e) && e.code).toBe('UNSUPPORTED');
    expect(seen).toHaveLength(0);
  });

  it('maps a blocked bot and a deactivated user to INVALID_RECIPIENT with the description', async () => {
    for (const [body, text] of [
      [errorBodies.blocked, 'Forbidden: bot was blocked by the user'],
      [errorBodies.deactivated, 'Forbidden: user is deactivated'],
    ] as const) {
      const e = await failure(body, 403);
      expect(isChannelError(e) && [e.code, e.message, e.retryable, e.providerCode]).toEqual([
        'INVALID_RECIPIENT',
        text,
        false,
        '403',
      ]);
    }
  });

  it('maps 400s: chat not found and a migrated group to INVALID_RECIPIENT, anything else to REJECTED', async () => {
    expect(await failure(errorBodies.chatNotFound, 400)).toMatchObject({
      code: 'INVALID_RECIPIENT',
      message: 'Bad Request: chat not found',
    });
    expect(await failure(errorBodies.migrated, 400)).toMatchObject({
      code: 'INVALID_RECIPIENT',
      message: expect.stringContaining('-1001987654321') as unknown,
    });
    expect(await failure(errorBodies.badEntities, 400)).toMatchObject({ code: 'REJECTED', retryable: false });
  });

  it('takes the retry delay from parameters.retry_after', async () => {
    expect(await failure(errorBodies.tooManyRequests, 429)).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: 34_000,
      retryable: true,
    });
  });

  it('maps a JSON 500, a malformed token (404 Not Found) and network failures, never quoting the URL', async () => {
    expect(await failure(errorBodies.internal, 500)).toMatchObject({
      code: 'UNAVAILABLE',
      message: 'Internal Server Error',
      retryable: true,
    });
    expect(await failure(errorBodies.notFound, 404)).toMatchObject({ code: 'AUTH' });
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(
        new Error(`connect ECONNREFUSED https://api.telegram.org/bot${config.botToken}/sendMessage`),
        { code: 'ECONNREFUSED' },
      ),
    });
    const { http } = scripted([refused]);
    const e = await telegramConnector
      .send(message({ type: 'text', text: 'x' }), ctxWith(http))
      .catch((error: unknown) => error);
    expect(e).toMatchObject({
      code: 'UNAVAILABLE',
      message: 'Telegram unreachable (ECONNREFUSED) during sendMessage',
      retryable: true,
    });
    expect(JSON.stringify({ message: (e as Error).message, cause: (e as Error).cause })).not.toContain(config.botToken);
  });

  it('shows typing with the typing chat action', async () => {
    const { http, seen } = scripted([{ status: 200, body: '{"ok":true,"result":true}' }]);
    await telegramConnector.features.typing?.('5123456789', ctxWith(http));
    expect(seen[0]).toMatchObject({
      url: expect.stringMatching(/\/sendChatAction$/) as unknown,
      json: { chat_id: '5123456789', action: 'typing' },
    });
  });
});
