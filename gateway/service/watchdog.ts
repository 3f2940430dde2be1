// Is the pipeline moving? (issue 10 item 1) The systemd watchdog is pinged only while it is:
// readings arrived from at least one sensor lately, the store committed what arrived, the
// uplink timer turned, and the event loop was not stalled. A hung driver, a stuck store or a
// dead timer stops the pings, and systemd (WatchdogSec) kills and restarts the gateway.
// Windows are in the gateway's clock time (config `watchdog:`), read through `progress().now`
// so that they follow the station's time when time sync steps it (issue 10 item 4); the loop
// check is in real time. A step (1970 → today when the time arrives) would make every mark
// taken before it look decades old: marks older than the last step count from the step.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface PipelineProgress {
  /** the gateway's clock now, ms (the same clock as the other figures) */
  now: number;
  startedAt: number;
  /** latest reading from any sensor, clock ms (null: none yet) */
  lastReadingAt: number | null;
  /** raw readings committed so far (a counter) */
  rawWritten: number;
  /** last turn of the uplink's timer, clock ms */
  uplinkTickAt: number | null;
  /** clock ms (new time) of the last step of the clock by time sync; null: never stepped */
  clockSteppedAt?: number | null;
}

export interface WatchWindows { readingsStaleMs: number; storeStaleMs: number; uplinkStaleMs: number; loopStallMs: number }

export class PipelineWatch {
  private lastWritten = -1;
  private writtenChangedAt: number | null = null;
  private readonly loop: IntervalHistogram;

  constructor(private readonly windows: WatchWindows, private readonly progress: () => PipelineProgress) {
    this.loop = monitorEventLoopDelay({ resolution: 20 });
    this.loop.enable();
  }

  /** What is stuck, in words for STATUS= and the log; empty when everything moves. */
  problems(): string[] {
    const p = this.progress();
    const now = p.now;
    const w = this.windows;
    const out: string[] = [];
    const s = (ms: number) => `${Math.round(ms / 1000)} s`;
    const stepped = p.clockSteppedAt ?? -Infinity;
    if (p.rawWritten !== this.lastWritten || this.writtenChangedAt === null) {
      this.lastWritten = p.rawWritten;
      this.writtenChangedAt = now;
    }
    this.writtenChangedAt = Math.max(this.writtenChangedAt, stepped);
    const lastReading = Math.max(p.lastReadingAt ?? p.startedAt, stepped);
    if (now - lastReading > w.readingsStaleMs) out.push(`no reading from any sensor for ${s(now - lastReading)}`);
    // Readings came after the last commit, and that commit is old: the store does not take them.
    if (p.lastReadingAt !== null && p.lastReadingAt > this.writtenChangedAt && now - this.writtenChangedAt > w.storeStaleMs) out.push(`store has committed nothing for ${s(now - this.writtenChangedAt)} while readings arrive`);
    const tick = Math.max(p.uplinkTickAt ?? p.startedAt, stepped);
    if (now - tick > w.uplinkStaleMs) out.push(`uplink timer has not turned for ${s(now - tick)}`);
    const maxLoopMs = this.loop.max / 1e6;
    this.loop.reset();
    if (maxLoopMs > w.loopStallMs) out.push(`event loop stalled ${Math.round(maxLoopMs)} ms`);
    return out;
  }

  stop(): void {
    this.loop.disable();
  }
}
