// Camera images up the link (issue #8, docs/cameras.md): the lowest priority of all.
//  - A full frame the centre asked for (`frame` command) goes first, when the link is up and
//    the byte budget has room for it.
//  - Thumbnails go only when the outbox has nothing due (every minute record and aggregate
//    is out and acknowledged or in flight), newest first, and only while the hour's budget
//    keeps a reserve for the records to come (20 % of the hourly budget, when there is one).
// Messages go by Uplink.publishDirect on bonin/v1/{station}/image (core/image-wire.ts); a
// thumbnail or full frame is marked sent on the broker's PUBACK, so one lost with the link
// goes again. Nothing here throws at the gateway: an image that cannot go waits.
import type { Clock, Timer } from '../../core/index.ts';
import { encodeImage } from '../../core/image-wire.ts';
import { publishBytes } from '../uplink/budget.ts';
import type { Logger } from '../log.ts';
import type { Outbox } from '../store/outbox.ts';
import type { FrameStore, StoredFrame } from './frame-store.ts';
import { thumbSize } from './thumbnail.ts';

/** The parts of the Uplink the sender uses. */
export interface ImageLink {
  readonly connected: boolean;
  readonly budget: { left(now: number): number; usage(now: number): { perHour: number | null } };
  publishDirect(kind: 'image', body: Buffer, done: (ok: boolean) => void): boolean;
}

export interface ImageSenderOptions {
  station: string;
  frames: FrameStore;
  outbox: Outbox;
  link: ImageLink;
  clock: Clock;
  log: Logger;
  /** the uplink's resend delay: a batch sent longer ago than this without an ack is due again */
  resendAfterMs: number;
  protocolVersion?: 4 | 5;
  /** look for something to send this often (clock ms). Default 30 s */
  everyMs?: number;
  /** thumbnails published per pump at most. Default 4 */
  perPump?: number;
}

/** Share of the hourly byte budget thumbnails never touch: it is the next records'. */
export const THUMB_BUDGET_RESERVE = 0.2;

export class ImageSender {
  private timer: Timer | null = null;
  /** ids published and waiting for their PUBACK (not offered again meanwhile) */
  private readonly pending = new Set<string>();
  readonly stats = { thumbsSent: 0, fullsSent: 0, heldByOutbox: 0, heldByBudget: 0 };

  constructor(private readonly o: ImageSenderOptions) {}

  start(): void {
    this.timer = this.o.clock.every(this.o.everyMs ?? 30_000, () => this.pump());
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private bodyOf(f: StoredFrame, kind: 'thumb' | 'full'): Buffer | null {
    const jpeg = kind === 'thumb' ? this.o.frames.thumb(f.id) : this.o.frames.readJpeg(f);
    if (!jpeg) return null;
    const size = kind === 'thumb' ? thumbSize(f.width ?? 0, f.height ?? 0) : { width: f.width ?? 0, height: f.height ?? 0 };
    return encodeImage({ station: this.o.station, camera: f.camera, ts: f.ts, kind, ...size, features: f.features }, jpeg);
  }

  private wire(body: Buffer): number {
    return publishBytes(`bonin/v1/${this.o.station}/image`, body.length, this.o.protocolVersion ?? 5);
  }

  /** Publish one image; true when it went to the broker (its PUBACK marks it sent). */
  private send(f: StoredFrame, kind: 'thumb' | 'full', body: Buffer): boolean {
    const key = `${kind}:${f.id}`;
    if (this.pending.has(key)) return false;
    const ok = this.o.link.publishDirect('image', body, (acked) => {
      this.pending.delete(key);
      if (!acked) return;
      try {
        this.o.frames.mark(f.id, kind === 'thumb' ? 'thumb_sent' : 'full_sent', this.o.clock.now());
        if (kind === 'thumb') this.stats.thumbsSent++;
        else this.stats.fullsSent++;
      } catch { /* the store closed while the PUBACK was on its way: it goes again next start */ }
    });
    if (ok) this.pending.add(key);
    return ok;
  }

  /** A full frame now (the centre asked): true when it went to the broker, false when it waits (link down, budget). */
  sendFull(f: StoredFrame): { sent: boolean; bytes: number; unreadable?: string } {
    let body: Buffer | null;
    try {
      body = this.bodyOf(f, 'full');
    } catch (err) {
      // Its file is gone or unreadable (a damaged card): the request is dropped, not retried forever.
      const why = (err as Error).message;
      this.o.log.warn({ camera: f.camera, ts: f.ts, err: why }, 'camera: stored frame cannot be read; not sent');
      this.o.frames.mark(f.id, 'full_asked', null);
      return { sent: false, bytes: 0, unreadable: why };
    }
    if (!body) return { sent: false, bytes: 0 };
    return { sent: this.o.link.connected && this.send(f, 'full', body), bytes: body.length };
  }

  /** Send what the rules allow now. */
  pump(): void {
    try {
      this.pumpNow();
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'camera: sending images failed; will try again');
    }
  }

  private pumpNow(): void {
    if (!this.o.link.connected) return;
    for (const f of this.o.frames.askedFulls()) {
      if (this.pending.has(`full:${f.id}`)) continue;
      const r = this.sendFull(f);
      if (r.unreadable) continue;
      if (!r.sent) return; // budget spent: thumbnails wait too
    }
    const now = this.o.clock.now();
    if (this.o.outbox.due(now, this.o.resendAfterMs, 1, new Set()).length > 0) {
      this.stats.heldByOutbox++;
      return;
    }
    const perHour = this.o.link.budget.usage(now).perHour;
    const reserve = perHour ? THUMB_BUDGET_RESERVE * perHour : 0;
    let sent = 0;
    for (const f of this.o.frames.unsentThumbs((this.o.perPump ?? 4) + this.pending.size)) {
      if (sent >= (this.o.perPump ?? 4)) break;
      if (this.pending.has(`thumb:${f.id}`)) continue;
      const body = this.bodyOf(f, 'thumb');
      if (!body) continue;
      if (this.o.link.budget.left(now) - this.wire(body) < reserve) {
        this.stats.heldByBudget++;
        return;
      }
      if (!this.send(f, 'thumb', body)) return;
      sent++;
    }
  }
}
