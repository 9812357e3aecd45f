/**
 * @module store/sql/pacing-queries
 * The PacingStoreOps port (core/ports/pacing-store.ts) over Kysely, for both dialects: the shared token buckets
 * (rate_buckets): one atomic upsert per take, so concurrent processes never overdraw a bucket.
 */
import { sql } from 'kysely';
import type { PacingStoreOps } from '../../core/ports/index.js';
import { Queries } from './queries.js';

export class PacingQueries extends Queries implements PacingStoreOps {
  async reserveToken(key: string, perSecond: number, burst: number, nowMs: number): Promise<number> {
    const now = sql`cast(${nowMs} as bigint)`;
    const rate = sql`cast(${perSecond} as double precision)`;
    const cap = sql`cast(${burst} as double precision)`;
    // refill since the last take (never negative across skewed clocks), cap at the burst, take one
    const refilled = sql`rate_buckets.tokens + (case when ${now} > rate_buckets.updated_ms then (${now} - rate_buckets.updated_ms) else 0 end) / 1000.0 * ${rate}`;
    const result = await sql<{ tokens: number | string }>`
      insert into rate_buckets (key, tokens, updated_ms) values (${key}, ${cap} - 1, ${now})
      on conflict (key) do update set
        tokens = (case when ${refilled} > ${cap} then ${cap} else ${refilled} end) - 1,
        updated_ms = case when ${now} > rate_buckets.updated_ms then ${now} else rate_buckets.updated_ms end
      returning tokens`.execute(this.db);
    const tokens = Number(result.rows[0]?.tokens ?? 0);
    return tokens >= 0 ? 0 : Math.ceil((-tokens / perSecond) * 1000);
  }
  async takeTokenIfAvailable(key: string, perSecond: number, burst: number, nowMs: number): Promise<number> {
    const now = sql`cast(${nowMs} as bigint)`;
    const rate = sql`cast(${perSecond} as double precision)`;
    const cap = sql`cast(${burst} as double precision)`;
    const refilled = sql`rate_buckets.tokens + (case when ${now} > rate_buckets.updated_ms then (${now} - rate_buckets.updated_ms) else 0 end) / 1000.0 * ${rate}`;
    const capped = sql`(case when ${refilled} > ${cap} then ${cap} else ${refilled} end)`;
    const taken = await sql<{ tokens: number | string }>`
      insert into rate_buckets (key, tokens, updated_ms) values (${key}, ${cap} - 1, ${now})
      on conflict (key) do update set
        tokens = ${capped} - 1,
        updated_ms = case when ${now} > rate_buckets.updated_ms then ${now} else rate_buckets.updated_ms end
      where ${capped} >= 1
      returning tokens`.execute(this.db);
    if (taken.rows.length > 0) return 0;
    const row = await sql<{ tokens: number | string; updated_ms: number | string }>`
      select tokens, updated_ms from rate_buckets where key = ${key}`.execute(this.db);
    const r = row.rows[0];
    if (!r) return 1;
    const level = Number(r.tokens) + (Math.max(0, nowMs - Number(r.updated_ms)) / 1000) * perSecond;
    return Math.max(1, Math.ceil(((1 - level) / perSecond) * 1000));
  }
  async pauseBucket(key: string, perSecond: number, untilMs: number, nowMs: number): Promise<void> {
    const debt = -((untilMs - nowMs) / 1000) * perSecond;
    if (debt >= 0) return;
    const d = sql`cast(${debt} as double precision)`;
    const now = sql`cast(${nowMs} as bigint)`;
    await sql`
      insert into rate_buckets (key, tokens, updated_ms) values (${key}, ${d}, ${now})
      on conflict (key) do update set tokens = case when rate_buckets.tokens < ${d} then rate_buckets.tokens else ${d} end, updated_ms = ${now}`.execute(
      this.db,
    );
  }
}
