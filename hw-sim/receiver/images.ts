// The reference receiver's side of the image topic (issue #8): a station's thumbnail or full
// frame (core/image-wire.ts) is checked (envelope, sha256, the station of its topic) and
// stored once per (station, camera, ts, kind), the JPEG in the receiver's database. No ack:
// images ride on QoS 1 only (gateway/camera/image-sender.ts); a duplicate is not stored again.
import type Database from 'better-sqlite3';
import { decodeImage, type ImageHeader } from '../../core/image-wire.ts';

/** Topic filter for every station's images. */
export const ANY_IMAGE = 'bonin/v1/+/image';

export type ImageOutcome = { ok: true; stored: boolean; header: ImageHeader } | { ok: false; error: string };

export interface ReceivedImage { header: ImageHeader; jpeg: Buffer; received: number }

export class ImageTable {
  private readonly ins;

  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS images (
      station TEXT NOT NULL, camera TEXT NOT NULL, ts INTEGER NOT NULL, kind TEXT NOT NULL,
      received INTEGER NOT NULL, header TEXT NOT NULL, jpeg BLOB NOT NULL,
      PRIMARY KEY (station, camera, ts, kind)) WITHOUT ROWID`);
    this.ins = db.prepare('INSERT OR IGNORE INTO images (station, camera, ts, kind, received, header, jpeg) VALUES (?, ?, ?, ?, ?, ?, ?)');
  }

  /** Check and store one message from `topic`. */
  accept(topic: string, payload: Buffer, now: number): ImageOutcome {
    const d = decodeImage(payload);
    if (!d.ok) return { ok: false, error: `image: ${d.error}` };
    const h = d.header;
    if (topic !== `bonin/v1/${h.station}/image`) return { ok: false, error: `image of station ${h.station} arrived on ${topic}` };
    const stored = this.ins.run(h.station, h.camera, h.ts, h.kind, now, JSON.stringify(h), d.jpeg).changes > 0;
    return { ok: true, stored, header: h };
  }

  list(filter: { station?: string; kind?: 'thumb' | 'full' } = {}): ReceivedImage[] {
    const rows = this.db.prepare('SELECT header, jpeg, received FROM images WHERE (? IS NULL OR station = ?) AND (? IS NULL OR kind = ?) ORDER BY station, camera, ts')
      .all(filter.station ?? null, filter.station ?? null, filter.kind ?? null, filter.kind ?? null) as Array<{ header: string; jpeg: Buffer; received: number }>;
    return rows.map((r) => ({ header: JSON.parse(r.header) as ImageHeader, jpeg: r.jpeg, received: r.received }));
  }

  count(kind?: 'thumb' | 'full'): number {
    return (this.db.prepare('SELECT count(*) AS n FROM images WHERE ? IS NULL OR kind = ?').get(kind ?? null, kind ?? null) as { n: number }).n;
  }
}
