// Byte budget of a link paid by the byte: at most `perHour` bytes in each UTC clock hour and
// `perDay` in each UTC day, counted as they go on the wire (MQTT framing included). The
// counts live in the store's state table, so a restart does not reset the month's bill.
// What does not fit waits in the outbox for the next hour: nothing is dropped.
export interface BudgetLimits { perHour?: number | null; perDay?: number | null }
export interface BudgetStateStore { getState(key: string): string | null; setState(key: string, value: string | number): void }

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Start of the UTC hour or day `now` falls in: the window a count belongs to. */
const windowStart = (w: 'hour' | 'day', now: number) => (w === 'hour' ? Math.floor(now / HOUR) * HOUR : Math.floor(now / DAY) * DAY);

export class ByteBudget {
  /** the counts, as in the store's state table ('<window start>:<bytes>') */
  private readonly counts: Record<'hour' | 'day', string | null>;
  private persistedAt = -Infinity;

  /**
   * Every publish (a batch, the status, a thumbnail) spends: written to the store each time,
   * that was two SD commits a message. The counts are written at most once a minute (and when
   * a window turns): a power cut forgets at most a minute of spending.
   */
  constructor(private readonly limits: BudgetLimits, private readonly store: BudgetStateStore, private readonly persistEveryMs = 60_000) {
    this.counts = { hour: store.getState('budget:hour'), day: store.getState('budget:day') };
  }

  private used(window: 'hour' | 'day', now: number): number {
    const start = windowStart(window, now);
    const raw = this.counts[window];
    if (!raw) return 0;
    const [at, bytes] = raw.split(':').map(Number);
    return at === start ? (bytes ?? 0) : 0;
  }

  /** Bytes that may still go now (Infinity without limits). */
  left(now: number): number {
    const h = this.limits.perHour ? this.limits.perHour - this.used('hour', now) : Infinity;
    const d = this.limits.perDay ? this.limits.perDay - this.used('day', now) : Infinity;
    return Math.max(0, Math.min(h, d));
  }

  spend(bytes: number, now: number): void {
    let turned = false;
    for (const w of ['hour', 'day'] as const) {
      const start = windowStart(w, now);
      turned ||= !this.counts[w]?.startsWith(`${start}:`);
      this.counts[w] = `${start}:${this.used(w, now) + bytes}`;
    }
    if (turned || now - this.persistedAt >= this.persistEveryMs) this.persist(now);
  }

  /** Write the counts to the store now (on the way out, and once a minute from spend). */
  persist(now: number): void {
    this.persistedAt = now;
    for (const w of ['hour', 'day'] as const) if (this.counts[w]) this.store.setState(`budget:${w}`, this.counts[w]);
  }

  usage(now: number): { hour: number; day: number; perHour: number | null; perDay: number | null } {
    return { hour: this.used('hour', now), day: this.used('day', now), perHour: this.limits.perHour ?? null, perDay: this.limits.perDay ?? null };
  }
}

/** Bytes of an MQTT PUBLISH at QoS 1 (MQTT 5 adds a property-length byte). */
export function publishBytes(topic: string, payloadBytes: number, protocolVersion: 4 | 5 = 5): number {
  const rest = 2 + Buffer.byteLength(topic) + 2 + (protocolVersion === 5 ? 1 : 0) + payloadBytes;
  const lenBytes = rest < 128 ? 1 : rest < 16_384 ? 2 : rest < 2_097_152 ? 3 : 4;
  return 1 + lenBytes + rest;
}
