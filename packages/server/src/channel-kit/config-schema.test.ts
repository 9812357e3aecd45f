import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectors } from '../channels/index.js';
import { configJsonSchema, humanizeKey, labelled, learned, secret } from './config-schema.js';

describe('config JSON Schema for forms', () => {
  it('turns config keys into readable labels', () => {
    expect(humanizeKey('botToken')).toBe('Bot token');
    expect(humanizeKey('phoneNumberIds')).toBe('Phone number IDs');
    expect(humanizeKey('apiBaseUrl')).toBe('API base URL');
    expect(humanizeKey('businessAccountId')).toBe('Business account ID');
    expect(humanizeKey('imapHost')).toBe('IMAP host');
    expect(humanizeKey('title')).toBe('Title');
  });

  it('keeps a given title, help link and learned mark; adds a title where none is given', () => {
    const schema = z.object({
      token: labelled(secret(z.string()), {
        title: 'Access token',
        help: 'From the console',
        helpUrl: 'https://example.test/console',
      }),
      botUsername: z.string().optional().describe("The bot's @username, learned from getMe at start"),
      region: learned(z.string().optional()),
      apiVersion: z.string().default('v1'),
    });
    const props = (configJsonSchema(schema).properties ?? {}) as Record<string, Record<string, unknown>>;
    expect(props.token).toMatchObject({
      title: 'Access token',
      description: 'From the console',
      'x-help-url': 'https://example.test/console',
      'x-secret': true,
    });
    expect(props.botUsername).toMatchObject({ title: 'Bot username', 'x-learned': true });
    expect(props.region).toMatchObject({ title: 'Region', 'x-learned': true });
    expect(props.apiVersion).toMatchObject({ title: 'API version' });
    expect(props.apiVersion?.['x-learned']).toBeUndefined();
  });

  it('gives every field of every registered connector a label with no raw camelCase key', () => {
    for (const c of connectors) {
      const props = (configJsonSchema(c.configSchema).properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const [key, field] of Object.entries(props)) {
        expect(typeof field.title, `${c.type}.${key}`).toBe('string');
        expect(field.title as string, `${c.type}.${key}`).not.toMatch(/[a-z][A-Z]/);
      }
    }
    const telegram = connectors.find((c) => c.type === 'telegram');
    const props = configJsonSchema(telegram!.configSchema).properties as Record<string, Record<string, unknown>>;
    expect(props.botUsername?.['x-learned']).toBe(true);
    expect(props.botToken?.title).toBe('Bot token');
  });
});
