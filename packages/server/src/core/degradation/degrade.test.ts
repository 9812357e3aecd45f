import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Capabilities } from '../../channel-kit/index.js';
import { ContentSchema, type Content } from '../../model/index.js';
import type { MessageRecord } from '../ports/index.js';
import { answerToOffer, matchChoice } from './choice-reply.js';
import { degradationNote, degrade, splitText, spokenTurn, type ChannelTarget } from './degrade.js';

const caps = (over: Partial<Capabilities> = {}): Capabilities => ({
  outbound: ['text'],
  inbound: ['text'],
  maxTextLength: 160,
  buttons: 0,
  templates: false,
  typing: false,
  receipts: { delivered: true, read: false },
  ...over,
});
const sms: ChannelTarget = { displayName: 'SMS', capabilities: caps() };
const rich: ChannelTarget = {
  displayName: 'Rich',
  capabilities: caps({
    outbound: ['text', 'image', 'interactive', 'location', 'contact', 'reaction', 'cards', 'template'],
    buttons: 3,
    listItems: 10,
    maxTextLength: 4096,
  }),
};
const buttons = (n: number): Content => ({
  type: 'interactive',
  interactive: {
    kind: 'buttons',
    text: 'Continue?',
    buttons: Array.from({ length: n }, (_, i) => ({ id: `b${i + 1}`, title: `Option ${i + 1}` })),
  },
});
const textOf = (c: Content | undefined) => (c?.type === 'text' ? c.text : undefined);

describe('degrade', () => {
  it('passes what the channel carries untouched', () => {
    for (const content of [buttons(3), { type: 'text', text: 'hi' } as Content]) {
      expect(degrade(content, rich)).toEqual({ parts: [content], degraded: [] });
    }
  });

  it('turns buttons on a channel without any into numbered text with the choices', () => {
    const out = degrade(
      {
        type: 'interactive',
        interactive: {
          kind: 'buttons',
          text: 'Shall we?',
          buttons: [
            { id: 'y', title: 'Yes' },
            { id: 'n', title: 'No' },
          ],
        },
      },
      sms,
    );
    expect(out.degraded).toEqual(['buttons_as_text']);
    expect(textOf(out.parts[0])).toBe('Shall we?\n\nReply 1 for Yes\nReply 2 for No');
    expect(out.choices).toEqual([
      { n: 1, id: 'y', title: 'Yes', kind: 'button_reply' },
      { n: 2, id: 'n', title: 'No', kind: 'button_reply' },
    ]);
  });

  it('turns buttons beyond the channel limit into text, and a list beyond its row limit', () => {
    expect(degrade(buttons(4), rich).degraded).toEqual(['buttons_as_text']);
    const list = (n: number): Content => ({
      type: 'interactive',
      interactive: {
        kind: 'list',
        text: 'Pick',
        buttons: Array.from({ length: n }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` })),
      },
    });
    // a 10-row list is within listItems even though it has more rows than the 3 buttons
    expect(degrade(list(10), rich).degraded).toEqual([]);
    const long = degrade(list(11), rich);
    expect(long.degraded).toEqual(['list_as_text']);
    expect(long.choices?.[10]).toEqual({ n: 11, id: 'r10', title: 'Row 10', kind: 'list_reply' });
  });

  it('puts cards into one text with their links, numbering reply buttons across cards', () => {
    const cards = ContentSchema.parse({
      type: 'cards',
      text: 'Our picks',
      cards: [
        {
          title: 'Red shirt',
          subtitle: 'Cotton',
          imageUrl: 'https://shop.example/red.png',
          buttons: [
            { id: 'buy-red', title: 'Buy' },
            { id: 'web-red', title: 'Details', url: 'https://shop.example/red' },
          ],
        },
        { title: 'Blue shirt', buttons: [{ id: 'buy-blue', title: 'Buy' }] },
      ],
    });
    const out = degrade(cards, { ...sms, capabilities: caps({ maxTextLength: 1000 }) });
    expect(out.degraded).toEqual(['cards_as_text']);
    expect(textOf(out.parts[0])).toBe(
      'Our picks\n\n1/2 Red shirt\nCotton\nImage: https://shop.example/red.png\nReply 1 for Buy (Red shirt)\nDetails: https://shop.example/red\n\n2/2 Blue shirt\nReply 2 for Buy (Blue shirt)',
    );
    expect(out.choices?.map((c) => c.id)).toEqual(['buy-red', 'buy-blue']);
    expect(degrade(cards, rich)).toEqual({ parts: [cards], degraded: [] });
  });

  it('refuses a card image or link that is not http(s)', () => {
    expect(
      ContentSchema.safeParse({ type: 'cards', cards: [{ title: 'x', imageUrl: 'javascript:alert(1)' }] }).success,
    ).toBe(false);
    expect(ContentSchema.safeParse({ type: 'cards', cards: [] }).success).toBe(false);
    expect(
      ContentSchema.safeParse({
        type: 'cards',
        cards: [{ title: 'x', buttons: [1, 2, 3, 4].map((i) => ({ id: `${i}`, title: `${i}` })) }],
      }).success,
    ).toBe(false);
  });

  it('splits long text in order and marks it', () => {
    const text = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');
    const out = degrade({ type: 'text', text }, sms);
    expect(out.degraded).toEqual(['text_split']);
    expect(out.parts.length).toBeGreaterThan(1);
    expect(out.parts.map(textOf).join('')).toBe(text);
  });

  it('sends media, locations and contacts the channel lacks as text', () => {
    const image: Content = {
      type: 'image',
      media: { url: 'https://hub.example/media/att_1/key', mimeType: 'image/png', caption: 'The receipt' },
    };
    expect(degrade(image, sms)).toEqual({
      parts: [{ type: 'text', text: 'The receipt\nhttps://hub.example/media/att_1/key' }],
      degraded: ['media_as_link'],
    });
    // a file over the channel's size limit goes as a link too
    const big: Content = { ...image, media: { ...image.media, size: 2_000_000 } } as Content;
    expect(
      degrade(big, { ...rich, capabilities: { ...rich.capabilities, maxMediaBytes: 1_000_000 } }).degraded,
    ).toEqual(['media_as_link']);
    const loc = degrade(
      { type: 'location', location: { latitude: 52.5, longitude: 13.4, name: 'Office', address: 'Main St 1' } },
      sms,
    );
    expect(loc.degraded).toEqual(['location_as_text']);
    expect(textOf(loc.parts[0])).toBe(
      'Location: Office, Main St 1\nhttps://www.openstreetmap.org/?mlat=52.5&mlon=13.4#map=17/52.5/13.4',
    );
    const card = degrade({ type: 'contact', contacts: [{ name: 'Ann', phones: ['+4930123'], emails: [] }] }, sms);
    expect(card).toEqual({
      parts: [{ type: 'text', text: 'Contact: Ann\nPhone: +4930123' }],
      degraded: ['contact_as_text'],
    });
  });

  it('drops a reaction the channel cannot show', () => {
    expect(degrade({ type: 'reaction', reaction: { emoji: '+', targetProviderMessageId: 'p1' } }, sms)).toEqual({
      parts: [],
      degraded: ['reaction_dropped'],
    });
  });

  it('refuses what has no meaningful degraded form', () => {
    const refused = (content: Content, target: ChannelTarget = sms) => {
      try {
        degrade(content, target);
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return 'accepted';
    };
    expect(refused({ type: 'template', template: { name: 't', language: 'en', variables: {} } })).toBe(
      'UNSUPPORTED_CONTENT',
    );
    expect(
      refused({ type: 'interactive', interactive: { kind: 'button_reply', reply: { id: 'y', title: 'Y' } } }),
    ).toBe('UNSUPPORTED_CONTENT');
    expect(refused({ type: 'interactive', interactive: { kind: 'buttons', text: 'no options', buttons: [] } })).toBe(
      'UNSUPPORTED_CONTENT',
    );
    // a media URL that is not ours cannot be linked (the media service makes every outbound URL ours first)
    expect(refused({ type: 'image', media: { url: '', mimeType: 'image/png' } })).toBe('UNSUPPORTED_CONTENT');
    // a channel without text cannot take any degraded form
    expect(refused(buttons(2), { displayName: 'Pics', capabilities: caps({ outbound: ['image'] }) })).toBe(
      'UNSUPPORTED_CONTENT',
    );
  });

  it('writes the composer note', () => {
    expect(degradationNote(['buttons_as_text', 'text_split'], 'SMS')).toBe(
      'On SMS the buttons arrive as numbered text options, and the text arrives in several messages.',
    );
    expect(degradationNote([], 'SMS')).toBe('');
  });
});

describe('splitText', () => {
  it('breaks at word boundaries', () => {
    expect(splitText('aaa bbb ccc', 8)).toEqual(['aaa bbb ', 'ccc']);
    expect(splitText('aaaaaaaaaa', 4)).toEqual(['aaaa', 'aaaa', 'aa']);
    expect(splitText('short', 10)).toEqual(['short']);
  });

  it('never cuts a surrogate pair', () => {
    expect(splitText('a😀😀', 2)).toEqual(['a', '😀', '😀']);
  });

  it('property: the parts rejoin to the text, none exceeds the limit, none is empty', () => {
    const words = fc.array(
      fc.oneof(fc.string({ minLength: 1, maxLength: 30, unit: 'grapheme' }), fc.constantFrom(' ', '\n', '  ', '\t')),
      { minLength: 1, maxLength: 80 },
    );
    fc.assert(
      fc.property(words, fc.integer({ min: 2, max: 64 }), (parts, limit) => {
        const text = parts.join('');
        const split = splitText(text, limit);
        expect(split.join('')).toBe(text);
        for (const p of split) {
          expect(p.length).toBeLessThanOrEqual(limit);
          expect(p.length).toBeGreaterThan(0);
        }
        // a part either ends after whitespace (a word break) or had no word break to take (a cut inside a word)
        for (const p of split.slice(0, -1)) if (!/\s$/.test(p)) expect(/\s\S/.test(p)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('typed answers', () => {
  const choices = [
    { n: 1, id: 'y', title: 'Yes', kind: 'button_reply' as const },
    { n: 2, id: 'n', title: 'No thanks', kind: 'button_reply' as const },
  ];
  const row = (over: Partial<MessageRecord>): MessageRecord =>
    ({
      id: 'msg_x',
      direction: 'outbound',
      metadata: {},
      content: { type: 'text', text: 'x' },
      ...over,
    }) as MessageRecord;
  const store = (messages: MessageRecord[]) => ({ listRecentMessages: async () => messages });

  it('match a number or the exact title, case-insensitive and trimmed', () => {
    expect(matchChoice(choices, ' 2 ')?.id).toBe('n');
    expect(matchChoice(choices, 'NO THANKS')?.id).toBe('n');
    expect(matchChoice(choices, 'no')).toBeUndefined();
    expect(matchChoice(choices, '3')).toBeUndefined();
  });

  it('answer the latest outbound message only when it offered the options', async () => {
    const offer = row({ id: 'msg_offer', metadata: { choices } });
    const text: Content = { type: 'text', text: '2' };
    expect(await answerToOffer(store([offer]), 'c', text)).toEqual({
      content: { type: 'interactive', interactive: { kind: 'button_reply', reply: { id: 'n', title: 'No thanks' } } },
      metadata: { choiceReply: { messageId: 'msg_offer', typed: '2' } },
    });
    // an inbound message after the offer does not hide it
    expect(await answerToOffer(store([offer, row({ direction: 'inbound' })]), 'c', text)).toBeDefined();
    // the business wrote something else since: "2" answers that, not the old menu
    expect(await answerToOffer(store([offer, row({})]), 'c', text)).toBeUndefined();
    expect(await answerToOffer(store([offer]), 'c', { type: 'text', text: 'maybe' })).toBeUndefined();
  });
});

describe('spokenTurn', () => {
  const phone: ChannelTarget = { displayName: 'Voice', capabilities: caps({ spoken: true, maxTextLength: 20 }) };
  it('joins a turn of replies into one text on a spoken channel, buttons as numbered options, never split', () => {
    const greeting: Content = { type: 'text', text: 'Welcome to Acme, the best shop in town.' };
    const joined = spokenTurn([greeting, buttons(2)], phone);
    expect(joined).toEqual([
      {
        type: 'text',
        text: 'Welcome to Acme, the best shop in town.\n\nContinue?\n\nReply 1 for Option 1\nReply 2 for Option 2',
      },
    ]);
  });
  it('leaves replies alone on a channel that does not speak, and a single reply as it is', () => {
    const two: Content[] = [
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
    ];
    expect(spokenTurn(two, sms)).toBe(two);
    expect(spokenTurn([two[0] as Content], phone)).toEqual([two[0]]);
  });
});
