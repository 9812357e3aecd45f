/**
 * Admin patterns run on RE2: the backtracking shapes that stall JavaScript's engine answer in linear time (measured
 * against a trivial pattern in the same run, and against the native engine to show the measurement can fail), the
 * usual shapes still match as before, and what RE2 cannot do is refused with a reason that says so.
 */
import { describe, expect, it } from 'vitest';
import { ADMIN_PATTERN_LIMITS, adminPatternProblem, runAdminPattern, testAdminPattern } from './admin-pattern.js';

/** the fastest of `rounds` batches of `calls` calls, in ms: the minimum is what the code costs, not what the machine's other load adds */
function fastest(fn: () => unknown, calls: number, rounds = 5): number {
  let best = Infinity;
  for (let r = 0; r < rounds; r += 1) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i += 1) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return best;
}

describe('admin patterns (RE2)', () => {
  it("(a|a)+$ on 28 a's and a mismatch answers as fast as a trivial pattern, where the native engine backtracks exponentially", () => {
    const text = `${'a'.repeat(28)}!`;
    expect(testAdminPattern('(a|a)+$', text)).toBe(false);
    expect(testAdminPattern('a', text)).toBe(true);
    const evil = fastest(() => testAdminPattern('(a|a)+$', text), 200);
    const trivial = fastest(() => testAdminPattern('a', text), 200);
    // linear: a small constant factor (more states per character); backtracking would be 2^28 steps against 29
    expect(evil).toBeLessThan(trivial * 50);
    // and on a text 100 times longer it grows with the length, not with 2^length
    const long = `${'a'.repeat(2800)}!`;
    expect(fastest(() => testAdminPattern('(a|a)+$', long), 5)).toBeLessThan((evil / 200) * 100 * 50);

    // the same measurement fails on the native engine (kept to 22 characters: 2^22 paths, tens of milliseconds)
    const short = `${'a'.repeat(22)}!`;
    const nativeEvil = fastest(() => /(a|a)+$/i.test(short), 1, 1);
    const nativeTrivial = fastest(() => /a/i.test(short), 200) / 200;
    expect(nativeEvil).toBeGreaterThan(nativeTrivial * 50);
  });

  it('the nested repeats the old guard refused are accepted now and match in linear time', () => {
    for (const source of [
      '(a+)+',
      '(.*)*',
      '(a*)*',
      '(a+)*',
      '(\\w+\\s?)*$',
      '^(\\d+)+$',
      '(?:x+y?)+',
      '((ab)*c)+',
      '((a+))+',
      '(a{2,})+',
      '(a+){2,5}',
      '(a+)+?',
      '(?<word>\\w+)+',
      '([a-z]+)*@',
      'ok|(x+)+',
      '(a|a)+$',
    ]) {
      expect(adminPatternProblem(source), source).toBeUndefined();
    }
    const text = `${'a'.repeat(3000)}!`;
    const trivial = fastest(() => testAdminPattern('a', text), 20);
    for (const source of ['^(a+)+$', '^(\\w+\\s?)*$', '([a-z]+)*@']) {
      expect(testAdminPattern(source, text), source).toBe(false);
      expect(
        fastest(() => testAdminPattern(source, text), 20),
        source,
      ).toBeLessThan(Math.max(trivial, 0.05) * 400);
    }
  });

  it('accepts and matches the usual shapes as the i-flag JavaScript regex did', () => {
    for (const ok of [
      '\\bpric(e|es|ing)\\b',
      'order\\s*#?\\d+',
      '(ab)+',
      '(a+)?',
      '(a+)',
      '(a+){1}',
      '(?:refund|money back)',
      '[(a+)+]',
      '\\(a+\\)+',
      'a{2}b{1,3}',
      '(x|y)*z',
      '(?:\\d{3}-)?\\d{4}',
      'price{',
      '[\\]+]+',
      '\\d+(,\\d{3})*',
      '(\\d{3}-)+',
      'caf\\u00e9',
      'a\\/b',
      '\\p{L}+',
    ]) {
      expect(adminPatternProblem(ok), ok).toBeUndefined();
    }
    const cases: Array<[string, string, string | null]> = [
      ['\\bpric(e|es|ing)\\b', 'What is your PRICING?', 'PRICING'],
      ['\\bpric(e|es|ing)\\b', 'a pricey thing', null],
      ['order\\s*#?\\d{4,}', 'where is Order #12345?', 'Order #12345'],
      ['^\\d+$', 'where is Order #12345?', null],
      ['caf\\u00e9', 'un CAFÉ', 'CAFÉ'],
      ['(?<n>ref)und', 'a refund', 'refund'],
      ['price{', 'the price{ is', 'price{'],
      ['a\\/b', 'a/b', 'a/b'],
    ];
    for (const [source, text, matched] of cases) {
      const native = new RegExp(source, 'i').exec(text)?.[0] ?? null;
      const result = runAdminPattern(source, text);
      expect(result, `${source} on ${text}`).toEqual(
        matched === null ? { kind: 'no-match' } : { kind: 'match', matched },
      );
      expect(native, `native ${source}`).toBe(matched);
    }
  });

  it('refuses lookaround and backreferences, saying RE2 cannot do them and why', () => {
    for (const [source, what] of [
      ['(?=a+)b', 'lookahead \\(\\?=…\\)'],
      ['x(?!y)', 'lookahead \\(\\?!…\\)'],
      ['(?<=\\$)\\d+', 'lookbehind \\(\\?<=…\\)'],
      ['(?<!no )refund', 'lookbehind \\(\\?<!…\\)'],
      ['(a)\\1', 'backreferences such as \\\\1'],
      ['(?<q>["\'])\\w+\\k<q>', 'backreferences such as \\\\k<name>'],
    ] as const) {
      const problem = adminPatternProblem(source);
      expect(problem, source).toMatch(
        new RegExp(`^${what} (is|are) not supported: patterns run on the linear-time RE2 engine`),
      );
      expect(problem).toContain('https://github.com/google/re2/wiki/Syntax');
    }
    // escaped, or inside a character class, they are plain characters
    for (const ok of ['\\(?=', '[(?=]', '\\\\1', '[\\k<]']) expect(adminPatternProblem(ok), ok).toBeUndefined();
  });

  it('refuses what does not compile, what is too long and what expands past the program limit, with the reason', () => {
    expect(adminPatternProblem('(unclosed')).toMatch(
      /^error parsing regexp: missing closing \): `\(unclosed` \(patterns run on the linear-time RE2 engine/,
    );
    expect(adminPatternProblem('a**')).toMatch(/invalid nested repetition operator/);
    expect(adminPatternProblem('x'.repeat(ADMIN_PATTERN_LIMITS.maxLength + 1))).toBe(
      `at most ${ADMIN_PATTERN_LIMITS.maxLength} characters`,
    );
    expect(adminPatternProblem('x'.repeat(ADMIN_PATTERN_LIMITS.maxLength - 10))).toBeUndefined();
    expect(adminPatternProblem('[a-z]{1,1000}!')).toMatch(
      /^too complex: it compiles to \d+ steps per character of text, at most 500/,
    );
    expect(adminPatternProblem('[a-z]{1,100}!')).toBeUndefined();
    // a stored pattern that cannot run matches nothing and says why
    expect(runAdminPattern('(?=a)a', 'a')).toMatchObject({
      kind: 'invalid',
      problem: expect.stringMatching(/lookahead/),
    });
    expect(testAdminPattern('(?=a)a', 'a')).toBe(false);
  });

  it('sees the first subjectChars characters of a message', () => {
    const filler = 'x'.repeat(ADMIN_PATTERN_LIMITS.subjectChars - 6);
    expect(testAdminPattern('refund', `${filler}refund`)).toBe(true);
    expect(testAdminPattern('refund', `${filler}xrefund`)).toBe(false);
  });
});
