/**
 * @module store/sql/queries
 * What every query module shares: the connection or transaction it runs on, the dialect's native statements for
 * the hot inbound path (given to transactions only, store/sql/hot-statements.ts), the JSON-as-text column
 * helpers, and `composeQueries`, which puts the modules' methods on one prototype so that the Store's flat
 * surface costs nothing per transaction (one object with two fields, no per-method binding).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { HotStatements } from './hot-statements.js';

export type Db = Kysely<Database> | Transaction<Database>;

/** base of every query module: stateless apart from the connection it runs on */
export abstract class Queries {
  constructor(
    protected readonly db: Db,
    protected readonly hot?: HotStatements,
  ) {}
}

export const json = (value: unknown): string => JSON.stringify(value ?? null);
export function parseJson<T>(text: string | null): T {
  return (text === null ? null : JSON.parse(text)) as T;
}

type QueryClass = abstract new (db: Db, hot?: HotStatements) => Queries;
// TypeScript accepts a class expression extending a type parameter only when its constructor takes `...any[]`
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type MixinBase = abstract new (...args: any[]) => Queries;
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/**
 * a class with the members of `base` and of every module in `parts`; two modules defining the same member is a
 * programming error caught when the store module loads, not a silent override
 */
export function composeQueries<B extends MixinBase, P extends readonly QueryClass[]>(
  base: B,
  parts: P,
): new (db: Db, hot?: HotStatements) => InstanceType<B> & UnionToIntersection<InstanceType<P[number]>> {
  abstract class Composed extends base {}
  const owner = new Map<string, string>(Object.getOwnPropertyNames(base.prototype).map((name) => [name, base.name]));
  for (const part of parts) {
    for (const name of Object.getOwnPropertyNames(part.prototype)) {
      if (name === 'constructor') continue;
      const first = owner.get(name);
      if (first) throw new Error(`store query '${name}' is defined by both ${first} and ${part.name}`);
      owner.set(name, part.name);
      Object.defineProperty(
        Composed.prototype,
        name,
        Object.getOwnPropertyDescriptor(part.prototype, name) as PropertyDescriptor,
      );
    }
  }
  return Composed as never;
}
