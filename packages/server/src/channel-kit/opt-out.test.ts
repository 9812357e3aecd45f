import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OPT_IN_KEYWORDS,
  DEFAULT_OPT_OUT_KEYWORDS,
  DEFAULT_OPT_OUT_RULES,
  matchConsentKeyword,
  optOutField,
  optOutRulesFor,
} from './opt-out.js';

const withDefaults = { features: { optOut: { defaults: DEFAULT_OPT_OUT_RULES } } };
/** the feature without defaults: keywords only where a connection turns them on */
const configurable = { features: { optOut: {} } };
/** a channel without the feature: a connection's optOut config is not read at all */
const without = { features: {} };

describe('opt-out keywords', () => {
  it("offers Twilio's defaults plus СТОП", () => {
    expect([...DEFAULT_OPT_OUT_KEYWORDS].sort()).toEqual(
      ['CANCEL', 'END', 'QUIT', 'STOP', 'STOPALL', 'UNSUBSCRIBE', 'СТОП'].sort(),
    );
    expect([...DEFAULT_OPT_IN_KEYWORDS].sort()).toEqual(['START', 'UNSTOP', 'YES']);
  });

  it('matches the whole text only, trimmed and case-insensitive in every script', () => {
    const rules = optOutRulesFor(withDefaults, {});
    if (!rules) throw new Error('rules expected');
    expect(matchConsentKeyword(rules, '  stop\n')).toEqual({ kind: 'opt_out', keyword: 'STOP' });
    expect(matchConsentKeyword(rules, 'Unsubscribe')).toEqual({ kind: 'opt_out', keyword: 'UNSUBSCRIBE' });
    expect(matchConsentKeyword(rules, 'стоп')).toEqual({ kind: 'opt_out', keyword: 'СТОП' });
    expect(matchConsentKeyword(rules, 'yes')).toEqual({ kind: 'opt_in', keyword: 'YES' });
    for (const text of ['stop it', 'please stop', 'STOP!', '', '   ', 'stopp', 'start now'])
      expect(matchConsentKeyword(rules, text), text).toBeUndefined();
  });

  it("lays a connection's config over the channel's defaults, and none apply to a channel without any", () => {
    expect(optOutRulesFor(configurable, {})).toBeUndefined();
    expect(optOutRulesFor(without, { optOut: { enabled: true } })).toBeUndefined();
    expect(optOutRulesFor(withDefaults, { optOut: { enabled: false } })).toBeUndefined();
    const on = optOutRulesFor(configurable, { optOut: { enabled: true, confirmation: 'Bye' } });
    expect(on).toMatchObject({ keywords: DEFAULT_OPT_OUT_KEYWORDS, confirmation: 'Bye' });
    const own = optOutRulesFor(withDefaults, { optOut: { keywords: ['HALT'] } });
    expect(own?.keywords).toEqual(['HALT']);
    expect(own?.optInKeywords).toEqual(DEFAULT_OPT_IN_KEYWORDS);
    if (!own) throw new Error('rules expected');
    expect(matchConsentKeyword(own, 'stop')).toBeUndefined();
    expect(matchConsentKeyword(own, 'halt')?.kind).toBe('opt_out');
    // a stored config the schema no longer accepts falls back to the channel's defaults instead of failing inbound
    expect(optOutRulesFor(withDefaults, { optOut: { keywords: 'STOP' } })?.keywords).toEqual(DEFAULT_OPT_OUT_KEYWORDS);
  });

  it('validates the config field: one word per keyword, bounded texts', () => {
    const field = optOutField();
    expect(field.safeParse(undefined).success).toBe(true);
    expect(field.safeParse({ keywords: ['STOP', 'HALT'], confirmation: 'ok' }).success).toBe(true);
    expect(field.safeParse({ keywords: ['two words'] }).success).toBe(false);
    expect(field.safeParse({ keywords: [''] }).success).toBe(false);
    expect(field.safeParse({ confirmation: 'x'.repeat(501) }).success).toBe(false);
  });
});

describe('help keywords', () => {
  it('matches HELP and INFO by default and the connection may name its own; they answer with the help text', () => {
    const rules = optOutRulesFor(withDefaults, { optOut: { helpKeywords: ['AYUDA'], helpText: 'Acme. Reply STOP.' } });
    if (!rules) throw new Error('rules expected');
    expect(matchConsentKeyword(rules, 'ayuda')).toEqual({ kind: 'help', keyword: 'AYUDA' });
    expect(rules.helpText).toBe('Acme. Reply STOP.');
    const defaults = optOutRulesFor(withDefaults, {});
    if (!defaults) throw new Error('rules expected');
    expect(matchConsentKeyword(defaults, 'Help')).toEqual({ kind: 'help', keyword: 'HELP' });
    expect(matchConsentKeyword(defaults, 'help me')).toBeUndefined();
  });
});
