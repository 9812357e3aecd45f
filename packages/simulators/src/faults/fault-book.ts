// Scripted faults: "the next N calls of operation X (optionally for one bot / phone number) fail or stall".

export interface FaultRule<E> {
  /** Operation name (Telegram method name, WhatsApp operation); case-insensitive; `*` matches all. */
  op: string;
  /** Restricts the rule to one scope (a bot id / phone number id). */
  scope?: string | undefined;
  /** How many matching calls the rule affects; 0 or negative = until cleared. Default 1. */
  times?: number | undefined;
  /** Delay added before the call is answered. */
  latencyMs?: number | undefined;
  /** The provider error answered instead of the real result (provider-specific shape). */
  error?: E | undefined;
}

/** A registered rule; `X` carries provider-specific extras (e.g. Telegram's retryAfter, WhatsApp's asyncFailure). */
export type ActiveFault<E, X extends object = object> = FaultRule<E> &
  X & {
    id: number;
    remaining: number;
    hits: number;
  };

export class FaultBook<E, X extends object = object> {
  private rules: ActiveFault<E, X>[] = [];
  private nextId = 1;

  add(rule: FaultRule<E> & X): ActiveFault<E, X> {
    const times = rule.times ?? 1;
    const active: ActiveFault<E, X> = {
      ...rule,
      op: rule.op.toLowerCase(),
      id: this.nextId++,
      remaining: times > 0 ? times : Infinity,
      hits: 0,
    };
    this.rules.push(active);
    return active;
  }

  /** Consumes and returns the first rule matching the call, if any. */
  take(op: string, scope: string | undefined): ActiveFault<E, X> | undefined {
    const lower = op.toLowerCase();
    const rule = this.rules.find(
      (r) => r.remaining > 0 && (r.op === '*' || r.op === lower) && (r.scope === undefined || r.scope === scope),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    rule.hits += 1;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule;
  }

  list(): ActiveFault<E, X>[] {
    return this.rules.map((r) => ({ ...r }));
  }

  remove(id: number): void {
    this.rules = this.rules.filter((r) => r.id !== id);
  }

  clear(): void {
    this.rules = [];
  }
}
