import { describe, expect, it } from 'vitest';
import { nestedQuantifierProblem } from './regex-guard.js';
import { ruleProblems } from './rules.js';

describe('regex guard: nested quantifiers', () => {
  it('refuses a repeated group whose body repeats, naming the group and saying why', () => {
    for (const bad of ['(a+)+', '(.*)*', '(a*)*', '(a+)*', '(\\w+\\s?)*$', '^(\\d+)+$', '(?:x+y?)+', '((ab)*c)+', '((a+))+', '(a{2,})+', '(a+){2,5}', '(a+)+?', '(?<word>\\w+)+', '([a-z]+)*@', 'ok|(x+)+']) {
      const problem = nestedQuantifierProblem(bad);
      expect(problem, bad).toBeDefined();
      expect(problem).toMatch(/catastrophic backtracking/);
    }
    expect(nestedQuantifierProblem('^(a+)+$')).toContain('the group (a+)');
  });

  it('accepts the usual shapes: single repeats, optional groups, repeated groups without inner repeats', () => {
    for (const ok of ['\\bpric(e|es|ing)\\b', 'order\\s*#?\\d+', '(ab)+', '(a+)?', '(a+)', '(a+){1}', '(?:refund|money back)', '[(a+)+]', '\\(a+\\)+', 'a{2}b{1,3}', '(x|y)*z', '(?=a+)b', '(?:\\d{3}-)?\\d{4}', 'price{', '[\\]+]+', '\\d+(,\\d{3})*', '(\\d{3}-)+']) {
      expect(nestedQuantifierProblem(ok), ok).toBeUndefined();
    }
  });

  it('is backed by the engine: what it refuses really backtracks exponentially, what it rewrites to does not', () => {
    // 2^22 paths for (a+)+ on 22 a's and a mismatch; the rewrite is linear — measured, not assumed
    const text = `${'a'.repeat(22)}!`;
    const time = (re: RegExp) => { const t = process.hrtime.bigint(); re.test(text); return Number(process.hrtime.bigint() - t) / 1e6; };
    const slow = time(/^(a+)+$/);
    const fast = time(/^a+$/);
    expect(slow).toBeGreaterThan(fast * 20);
    expect(nestedQuantifierProblem('^(a+)+$')).toBeDefined();
    expect(nestedQuantifierProblem('^a+$')).toBeUndefined();
  });

  it('rules still check that the regex compiles (the guard expects a valid one)', () => {
    expect(ruleProblems({ regex: '(unclosed' }, [{ type: 'tag', tag: 'x' }]).join()).toMatch(/^regex:/);
  });
});
