import { describe, expect, it } from 'vitest';
import { ruleVerdict } from './Routing.tsx';

describe('the routing tester marks each rule', () => {
  it('a disabled rule whose conditions would hold is marked disabled, never with the check mark of a match', () => {
    const mark = ruleVerdict({ enabled: false, matched: true, fired: false });
    expect(mark.verdict).toBe('disabled');
    expect(mark.icon).not.toBe('check');
    expect(mark.title).toBe('disabled: never fires (its conditions would hold)');
  });

  it('a disabled rule that would not match either is disabled too', () => {
    expect(ruleVerdict({ enabled: false, matched: false, fired: false })).toMatchObject({
      verdict: 'disabled',
      icon: 'off',
      title: 'disabled: never fires',
    });
  });

  it('enabled rules: the one that fires and a shadowed match carry the check mark, a miss the cross', () => {
    expect(ruleVerdict({ enabled: true, matched: true, fired: true })).toMatchObject({
      verdict: 'fires',
      icon: 'check',
    });
    expect(ruleVerdict({ enabled: true, matched: true, fired: false })).toMatchObject({
      verdict: 'matches',
      icon: 'check',
      title: 'matches, but does not fire',
    });
    expect(ruleVerdict({ enabled: true, matched: false, fired: false })).toMatchObject({
      verdict: 'no-match',
      icon: 'close',
    });
  });
});
