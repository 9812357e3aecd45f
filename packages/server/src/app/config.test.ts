import { describe, expect, it } from 'vitest';
import { loadConfig, loadSandboxConfig } from './config.js';
import { DEFAULT_VISITOR_LIMITS } from '../core/webchat/visitor-limits.js';

describe('configuration from the environment', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.publicUrl).toBe('http://localhost:8080');
    expect(c.dataDir.endsWith('/data')).toBe(true);
    expect(c.bodyLimit).toBe(1024 * 1024);
    expect(c.databaseUrl).toBeUndefined();
  });
  it('binds the server to every interface, and the sandbox to loopback unless HOST is set', () => {
    expect(loadConfig({}).host).toBe('0.0.0.0');
    expect(loadSandboxConfig({}).host).toBe('127.0.0.1');
    expect(loadSandboxConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });
  it('stops on a bad value with one line naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/^PORT: /);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/^DATABASE_URL: must be a postgres/);
    expect(() => loadConfig({ SWITCHBOARD_MASTER_KEY: 'short' })).toThrow(
      /^SWITCHBOARD_MASTER_KEY: .*\(got "\*\*\*"\)$/,
    );
    expect(() => loadConfig({ SWITCHBOARD_PUBLIC_URL: 'not a url' })).toThrow(/^SWITCHBOARD_PUBLIC_URL: /);
  });
  it("reads the days before a credential's end when health warns", () => {
    expect(loadConfig({}).healthExpiryWarningDays).toEqual([14, 3]);
    expect(loadConfig({ SWITCHBOARD_HEALTH_EXPIRY_WARNING_DAYS: '7,30,7' }).healthExpiryWarningDays).toEqual([30, 7]);
    expect(() => loadConfig({ SWITCHBOARD_HEALTH_EXPIRY_WARNING_DAYS: '14 days' })).toThrow(
      /^SWITCHBOARD_HEALTH_EXPIRY_WARNING_DAYS: /,
    );
    expect(() => loadConfig({ SWITCHBOARD_HEALTH_EXPIRY_WARNING_DAYS: '0' })).toThrow(
      /^SWITCHBOARD_HEALTH_EXPIRY_WARNING_DAYS: /,
    );
  });
  it('reads a hex or base64 master key and trims the public URL', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ SWITCHBOARD_MASTER_KEY: hex }).masterKey?.length).toBe(32);
    expect(loadConfig({ SWITCHBOARD_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') }).masterKey?.length).toBe(32);
    expect(loadConfig({ SWITCHBOARD_PUBLIC_URL: 'https://hub.example.com/' }).publicUrl).toBe(
      'https://hub.example.com',
    );
  });
  it('trusts no proxy by default, and the given proxies when told', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ SWITCHBOARD_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ SWITCHBOARD_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toBe('10.0.0.0/8,127.0.0.1');
    expect(() => loadConfig({ SWITCHBOARD_TRUST_PROXY: 'everyone' })).toThrow(/^SWITCHBOARD_TRUST_PROXY: /);
  });
  it('reads every integer setting as decimal digits only', () => {
    expect(loadConfig({ PORT: '18246' }).port).toBe(18246);
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    for (const bad of ['0x4746', '0b101', '0o17', '1e3', '80.0', '+80', '-1', ' 80', '8 0', 'Infinity']) {
      expect(() => loadConfig({ PORT: bad }), bad).toThrow(/^PORT: must be a decimal integer/);
    }
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/^PORT: /);
    // the same rule for every integer variable, each named in its error
    expect(() => loadConfig({ SWITCHBOARD_BODY_LIMIT: '0x100000' })).toThrow(
      /^SWITCHBOARD_BODY_LIMIT: must be a decimal integer/,
    );
    expect(() => loadConfig({ SWITCHBOARD_MEDIA_MAX_BYTES: '1e9' })).toThrow(
      /^SWITCHBOARD_MEDIA_MAX_BYTES: must be a decimal integer/,
    );
    expect(loadConfig({ SWITCHBOARD_OUTBOUND_MAX_ATTEMPTS: '3' }).outboundMaxAttempts).toBe(3);
  });
  it('reads the webchat visitor limits as decimal integers only, with defaults', () => {
    expect(loadConfig({}).visitorLimits).toEqual(DEFAULT_VISITOR_LIMITS);
    const c = loadConfig({
      SWITCHBOARD_WEBCHAT_SESSIONS_PER_MINUTE: '5',
      SWITCHBOARD_WEBCHAT_MESSAGES_PER_MINUTE: '12',
      SWITCHBOARD_WEBCHAT_ADDRESS_MESSAGES_PER_MINUTE: '40',
      SWITCHBOARD_WEBCHAT_TYPING_PER_MINUTE: '7',
      SWITCHBOARD_WEBCHAT_ADDRESS_TYPING_PER_MINUTE: '70',
      SWITCHBOARD_WEBCHAT_OPEN_CONVERSATIONS_PER_ADDRESS: '3',
    });
    expect(c.visitorLimits).toEqual({
      sessionsPerAddressPerMinute: 5,
      messagesPerSessionPerMinute: 12,
      messagesPerAddressPerMinute: 40,
      typingPerSessionPerMinute: 7,
      typingPerAddressPerMinute: 70,
      openConversationsPerAddress: 3,
    });
    for (const bad of ['0x10', '1e3', ' 12', '12.5', '-1', '0', 'ten']) {
      expect(() => loadConfig({ SWITCHBOARD_WEBCHAT_MESSAGES_PER_MINUTE: bad }), bad).toThrow(
        /^SWITCHBOARD_WEBCHAT_MESSAGES_PER_MINUTE: /,
      );
    }
  });
});
