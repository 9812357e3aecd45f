/**
 * @module core/routing/regex-guard
 * A structural guard against catastrophic backtracking in admin-written regexes (JavaScript regexes cannot be
 * interrupted, and a routing rule's regex runs on every customer message). It refuses a repeated group whose body
 * itself repeats — `(a+)+`, `(.*)*`, `(\w+\s?)*`, `((ab)*c)+`, `(a+){2,}` — the shape behind exponential
 * backtracking. It is deliberately simple: it does not see overlapping alternatives such as `(a|a)+`, nor the
 * polynomial cost of adjacent repeats such as `\w*\w*\w*`; the 500-character limit and admin-only rules bound those.
 */

/** an open group: where it starts, and whether its body repeats something a varying number of times */
interface Frame { start: number; repeats: boolean }

/**
 * the quantifier at `i`, or undefined: its length, whether it can repeat its atom more than once (`repeats`), and
 * whether the number of repetitions varies (`varies`; an exact count such as `{3}` matches one fixed way)
 */
function quantifierAt(source: string, i: number): { length: number; repeats: boolean; varies: boolean } | undefined {
  const c = source[i];
  let length = 1;
  let min: number;
  let max: number;
  if (c === '*') [min, max] = [0, Infinity];
  else if (c === '+') [min, max] = [1, Infinity];
  else if (c === '?') [min, max] = [0, 1];
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
    if (!m) return undefined; // a literal brace (allowed without the u flag)
    min = Number(m[1]);
    max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    length = m[0].length;
  } else return undefined;
  if (source[i + length] === '?') length += 1; // lazy: the same backtracking
  return { length, repeats: max > 1, varies: max > 1 && max > min };
}

/**
 * undefined when the regex has no nested repeat; otherwise why it is refused (naming the group). Expects a source
 * that `new RegExp` accepts (check that first).
 */
export function nestedQuantifierProblem(source: string): string | undefined {
  const stack: Frame[] = [{ start: 0, repeats: false }];
  // the atom a following quantifier applies to: a closed group (with whether its body repeats) or anything else
  let last: { group: false } | { group: true; start: number; end: number; repeats: boolean } | null = null;
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    const top = stack[stack.length - 1] as Frame;
    if (c === '\\') {
      i += 2;
      last = { group: false };
      continue;
    }
    if (c === '[') {
      // a character class: its content is literal; `]` right after `[` or `[^` closes an empty class in JavaScript
      i += source[i + 1] === '^' ? 2 : 1;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      i += 1;
      last = { group: false };
      continue;
    }
    if (c === '(') {
      stack.push({ start: i, repeats: false });
      // (?: (?= (?! (?<= (?<! (?<name> — the ? is part of the group's opening, not a quantifier
      if (source[i + 1] === '?') {
        const m = /^\(\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>)/.exec(source.slice(i));
        i += m ? m[0].length : 2;
      } else i += 1;
      last = null;
      continue;
    }
    if (c === ')') {
      const frame = stack.length > 1 ? (stack.pop() as Frame) : top;
      const parent = stack[stack.length - 1] as Frame;
      if (frame.repeats && frame !== parent) parent.repeats = true;
      i += 1;
      last = { group: true, start: frame.start, end: i, repeats: frame.repeats };
      continue;
    }
    if (c === '|') {
      i += 1;
      last = null;
      continue;
    }
    const q = last ? quantifierAt(source, i) : undefined;
    if (q) {
      if (q.repeats && last?.group && last.repeats) {
        const group = source.slice(last.start, last.end);
        const quantifier = source.slice(i, i + q.length);
        return `nested quantifier: the group ${group} repeats something inside it and is itself repeated (${quantifier}); `
          + 'on a text that almost matches this can take exponential time (catastrophic backtracking), and a regex cannot be interrupted. '
          + 'Rewrite it without repeating a repeated part, e.g. (a+)+ → a+, (\\w+\\s?)* → [\\w\\s]*';
      }
      if (q.varies) top.repeats = true;
      i += q.length;
      last = { group: false };
      continue;
    }
    i += 1;
    last = { group: false };
  }
  return undefined;
}
