// The reference receiver's side of the nowcast topic (issue #7): a station's nowcast message
// is checked (JSON, the station of its topic, finite values) and stored once per
// (station, ts, model) in the receiver's database. No ack: a nowcast rides on QoS 1 only
// (gateway/pipeline/nowcast.ts); a duplicate is counted and not stored again.
import type Database from 'better-sqlite3';
import { z } from 'zod';

/** Topic filter for every station's nowcasts. */
export const ANY_NOWCAST = 'bonin/v1/+/nowcast';

const nowcastSchema = z.object({
  v: z.literal(1),
  station: z.string().min(1),
  model: z.string().min(1),
  ts: z.number().int(),
  made: z.number(),
  values: z.array(z.object({ quantity: z.string(), unit: z.string(), horizon_h: z.number().positive(), value: z.number().finite() })).min(1),
  rain_probability: z.number().min(0).max(1),
  rain_hours: z.number().positive(),
  substituted: z.array(z.string()),
});
export type ReceivedNowcast = z.infer<typeof nowcastSchema>;

export type NowcastOutcome = { ok: true; stored: boolean; nowcast: ReceivedNowcast } | { ok: false; error: string };

export class NowcastTable {
  private readonly ins;

  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS nowcasts (
      station TEXT NOT NULL, ts INTEGER NOT NULL, model TEXT NOT NULL, received INTEGER NOT NULL, nowcast TEXT NOT NULL,
      PRIMARY KEY (station, ts, model)) WITHOUT ROWID`);
    this.ins = db.prepare('INSERT OR IGNORE INTO nowcasts (station, ts, model, received, nowcast) VALUES (?, ?, ?, ?, ?)');
  }

  /** Check and store one message from `topic`. */
  accept(topic: string, payload: Buffer, now: number): NowcastOutcome {
    let parsed;
    try {
      parsed = nowcastSchema.safeParse(JSON.parse(payload.toString()));
    } catch (err) {
      return { ok: false, error: `nowcast: not JSON (${(err as Error).message})` };
    }
    if (!parsed.success) return { ok: false, error: `nowcast: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}` };
    const n = parsed.data;
    if (topic !== `bonin/v1/${n.station}/nowcast`) return { ok: false, error: `nowcast of station ${n.station} arrived on ${topic}` };
    const stored = this.ins.run(n.station, n.ts, n.model, now, JSON.stringify(n)).changes > 0;
    return { ok: true, stored, nowcast: n };
  }

  list(station?: string): ReceivedNowcast[] {
    const rows = (station === undefined
      ? this.db.prepare('SELECT nowcast FROM nowcasts ORDER BY station, ts').all()
      : this.db.prepare('SELECT nowcast FROM nowcasts WHERE station = ? ORDER BY ts').all(station)) as Array<{ nowcast: string }>;
    return rows.map((r) => JSON.parse(r.nowcast) as ReceivedNowcast);
  }
}
