/**
 * @module core/patterns/admin-pattern
 * Regular expressions written by admins (routing rule conditions, flow-bot FAQ patterns) and matched against what
 * customers write. JavaScript's own engine backtracks: `(a|a)+$` on 28 a's and a `!` takes seconds, doubling per
 * character, and a running regex cannot be interrupted, so one visitor message could stall every request of the
 * process. These patterns therefore run on RE2 (re2js, a pure-JavaScript port: no native build), whose time is
 * linear in the text: https://github.com/google/re2/wiki/WhyRE2.
 *
 * Linear is not free: the cost is (characters matched) × (size of the compiled program). Both factors are bounded —
 * a pattern compiles to at most `maxProgram` instructions (large counted repeats such as `[a-z]{1,1000}` expand and
 * are refused) and sees at most the first `subjectChars` characters of a message — so one message costs at most a
 * few milliseconds whatever an admin saved.
 *
 * RE2 has no lookahead, lookbehind or backreferences (they cannot be matched in linear time); a pattern using them is
 * refused at save time with a reason saying so. JavaScript spellings RE2 lacks (`\u00e9`, `(?<name>…)`, `\/`) are
 * translated first. Matching is case-insensitive, as it was with the `i` flag.
 *
 * This folder sits below core/routing and core/agents and imports nothing from either.
 */
import { RE2JS } from 're2js';

export const ADMIN_PATTERN_LIMITS = {
  /** characters of pattern source */
  maxLength: 500,
  /** instructions of the compiled program: ordinary patterns need 3–60 */
  maxProgram: 500,
  /** a pattern is matched against this many characters from the start of a message */
  subjectChars: 4096,
} as const;

const SYNTAX_URL = 'https://github.com/google/re2/wiki/Syntax';
const WHY = 'patterns run on the linear-time RE2 engine so that no message can stall the hub';

/** what RE2 cannot do and says only obscurely (or, for `\k<name>`, the translation would silently turn into a literal) */
function unsupportedFeature(source: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i += 1) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || (next === 'k' && source[i + 2] === '<')))
        return `backreferences such as ${next === 'k' ? '\\k<name>' : `\\${next}`} are not supported`;
      i += 1;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      if (source[i + 1] === ']') i += 1; // `[]…]`: a leading ] is literal in RE2
    } else if (c === '(' && source[i + 1] === '?') {
      const m = /^\(\?(<?[=!])/.exec(source.slice(i));
      if (m) return `${(m[1] ?? '').startsWith('<') ? 'lookbehind' : 'lookahead'} ${m[0]}…) is not supported`;
    }
  }
  return undefined;
}

type Compiled = { pattern: RE2JS } | { problem: string };

function compile(source: string): Compiled {
  if (source.length > ADMIN_PATTERN_LIMITS.maxLength)
    return { problem: `at most ${ADMIN_PATTERN_LIMITS.maxLength} characters` };
  const feature = unsupportedFeature(source);
  if (feature) return { problem: `${feature}: ${WHY} (syntax: ${SYNTAX_URL})` };
  let pattern: RE2JS;
  try {
    pattern = RE2JS.compile(RE2JS.translateRegExp(source), RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    // the engine reports the pattern with the case-insensitive flag it was given in front: show the admin's own text
    const message = (error instanceof Error ? error.message : String(error)).replace('`(?i)', '`');
    return { problem: `${message} (${WHY}; no lookaround or backreferences; syntax: ${SYNTAX_URL})` };
  }
  // re2js keeps the compiled program on the RE2 object; its length is what each character of text is stepped through
  const size = (pattern.re2().prog as { inst: unknown[] }).inst.length;
  if (size > ADMIN_PATTERN_LIMITS.maxProgram) {
    return {
      problem: `too complex: it compiles to ${size} steps per character of text, at most ${ADMIN_PATTERN_LIMITS.maxProgram} (large counted repeats such as {1,1000} expand; use + or * instead)`,
    };
  }
  return { pattern };
}

/** patterns are matched on every customer message: compile each once (bounded, least recently used goes first) */
const CACHE_SIZE = 512;
const cache = new Map<string, Compiled>();

function compiled(source: string): Compiled {
  const hit = cache.get(source);
  if (hit) {
    cache.delete(source);
    cache.set(source, hit);
    return hit;
  }
  const fresh = compile(source);
  cache.set(source, fresh);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return fresh;
}

/** undefined when an admin may save this pattern; otherwise why not (a sentence for the 400 answer) */
export function adminPatternProblem(source: string): string | undefined {
  const c = compiled(source);
  return 'problem' in c ? c.problem : undefined;
}

export type AdminPatternResult =
  | { kind: 'match'; matched: string }
  | { kind: 'no-match' }
  /** a pattern stored before it was checked against these rules: it matches nothing */
  | { kind: 'invalid'; problem: string };

/** matches `text` (its first `subjectChars` characters) and says what matched */
export function runAdminPattern(source: string, text: string): AdminPatternResult {
  const c = compiled(source);
  if ('problem' in c) return { kind: 'invalid', problem: c.problem };
  const subject =
    text.length > ADMIN_PATTERN_LIMITS.subjectChars ? text.slice(0, ADMIN_PATTERN_LIMITS.subjectChars) : text;
  // test() runs the DFA without captures; the capturing search runs only on a hit, to quote what matched
  if (!c.pattern.test(subject)) return { kind: 'no-match' };
  const m = c.pattern.exec(subject);
  return { kind: 'match', matched: typeof m?.[0] === 'string' ? m[0] : '' };
}

/** whether `text` matches; a pattern that cannot run matches nothing */
export function testAdminPattern(source: string, text: string): boolean {
  const c = compiled(source);
  if ('problem' in c) return false;
  return c.pattern.test(
    text.length > ADMIN_PATTERN_LIMITS.subjectChars ? text.slice(0, ADMIN_PATTERN_LIMITS.subjectChars) : text,
  );
}
