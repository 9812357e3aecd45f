/**
 * @module channel-kit/credential-expiry
 * A credential's end as a health finding: healthy until the first warning day, then a warning at each of the
 * warning days (14 and 3 days ahead by default, so the operator hears of it twice before it matters), failing once
 * it has ended — before messages start failing, the operator is told to renew it.
 */
import type { HealthAsk, ProviderHealthCheck } from './connector.js';

const DAY_MS = 86_400_000;

export interface ExpiryInput {
  /** the finding's name: `token_expiry`, `data_access`, … */
  name: string;
  /** what ends, as the operator knows it: "The Page access token" */
  what: string;
  /** when it ends; undefined: it does not */
  expiresAt: Date | undefined;
  /** what to do about it: "generate a new token and paste it into the connection" */
  fix: string;
  ask: HealthAsk;
}

const when = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function expiryCheck({ name, what, expiresAt, fix, ask }: ExpiryInput): ProviderHealthCheck {
  if (!expiresAt) return { name, state: 'healthy', detail: `${what} does not expire` };
  const left = expiresAt.getTime() - ask.now.getTime();
  const base = { name, expiresAt: expiresAt.toISOString() };
  if (left <= 0)
    return { ...base, state: 'failing', stage: 'expired', detail: `${what} expired at ${when(expiresAt)} — ${fix}` };
  // the smallest warning day the end is within: its own stage, so crossing the next one is a new event
  const days = [...ask.expiryWarningDays].sort((a, b) => a - b).find((d) => left <= d * DAY_MS);
  if (days === undefined) return { ...base, state: 'healthy', detail: `${what} is valid until ${when(expiresAt)}` };
  const inDays = Math.max(1, Math.ceil(left / DAY_MS));
  return {
    ...base,
    state: 'warning',
    stage: `${days}d`,
    detail: `${what} expires in ${inDays} day${inDays === 1 ? '' : 's'}, at ${when(expiresAt)} — ${fix}`,
  };
}
