// The gateway's log file, written so that it can never fill the disk nor stop the station:
//   - size-based rotation with a fixed number of files: `gateway.log` (current), `.1` … `.N-1`
//     (older), each at most `maxFileBytes`, so the total on disk is ≤ files × maxFileBytes
//     whatever the gateway logs and for however long;
//   - pino hands each line to write(), which only appends to a bounded memory buffer; the
//     buffer goes to disk asynchronously (libuv's thread pool), so a slow or stalled SD card
//     never blocks the event loop, and the pipeline never waits for a log line;
//   - a failed write (ENOSPC, EROFS, EIO, a removed folder) drops the lines with a counter,
//     says so once on stderr (the journal), retries later, and when a write succeeds again
//     the file gets one line saying how many lines were lost and why.
// Why not pino-roll (4.0.0): it runs in a worker thread, rotates by size or date and keeps a
// file count, but has no total byte cap and no drop-on-failure: a full disk is its error.
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, write, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RotatingFileOptions {
  path: string;
  /** bytes per file, at most */
  maxFileBytes: number;
  /** files kept, the current one included (≥ 1) */
  files: number;
  /** bytes of lines held in memory while the disk is slow or failing; past it lines are dropped. Default 256 KiB */
  bufferBytes?: number;
  /** write what is buffered at least this often (real ms). Default 1000 */
  flushMs?: number;
  /** after a failed write, try again after this long (real ms). Default 10 000 */
  retryMs?: number;
  /** where the one-line notice of a failing log file goes. Default stderr */
  onFailing?: (msg: string) => void;
}

export interface LogFileStats {
  linesWritten: number;
  linesDropped: number;
  bytesWritten: number;
  rotations: number;
  writeErrors: number;
  /** the last write error (code and message), null once writes succeed again */
  failing: string | null;
}

const KICK_BYTES = 64 * 1024; // a buffer this full is written at once, not at the next tick

export class RotatingLogFile {
  readonly stats: LogFileStats = { linesWritten: 0, linesDropped: 0, bytesWritten: 0, rotations: 0, writeErrors: 0, failing: null };
  private lines: string[] = [];
  private held = 0;
  private fd: number | null = null;
  private size = 0;
  private writing = false;
  private retryAt = 0;
  private timer: NodeJS.Timeout | null = null;
  /** lines dropped since the last successful write, and why: reported in the file when it works again */
  private droppedSinceOk = 0;
  private dropReason = '';
  /** a partial write left a line cut short: start the next write on a new line */
  private cutLine = false;
  /** the piece being written carries the dropped-lines notice */
  private noticeTaken = false;
  private readonly bufferBytes: number;

  constructor(private readonly opts: RotatingFileOptions) {
    if (!(opts.maxFileBytes >= 1024)) throw new RangeError(`log: max file size must be at least 1 KiB, got ${opts.maxFileBytes} bytes`);
    if (!(Number.isInteger(opts.files) && opts.files >= 1)) throw new RangeError(`log: files must be a whole number ≥ 1, got ${opts.files}`);
    this.bufferBytes = opts.bufferBytes ?? 256 * 1024;
    this.removeExtraFiles();
  }

  /** pino's destination interface: one JSON line (with its \n). Never throws, never blocks. */
  write(line: string): boolean {
    const n = Buffer.byteLength(line);
    if (this.held + n > this.bufferBytes) {
      this.drop(this.lines.length, this.stats.failing ?? 'log buffer full (disk too slow)');
      this.lines = [];
      this.held = 0;
    }
    this.lines.push(line);
    this.held += n;
    if (this.held >= KICK_BYTES) setImmediate(() => this.flush());
    else this.timer ??= setTimeout(() => { this.timer = null; this.flush(); }, this.opts.flushMs ?? 1000).unref();
    return true;
  }

  /** Write everything buffered now, synchronously (process exit). Failures are counted, never thrown. */
  flushSync(): void {
    let guard = 1000; // each pass writes one file's worth at most; bounded
    while (this.lines.length && guard-- > 0) {
      const buf = this.take();
      if (!buf) break;
      try {
        const n = writeSync(this.fd!, buf.bytes);
        this.written(buf, n);
      } catch (err) {
        this.failed(err as NodeJS.ErrnoException, buf.count);
        break;
      }
    }
  }

  close(): void {
    this.flushSync();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.closeFd();
  }

  /** Paths of the files this log may use, newest first. */
  paths(): string[] {
    return Array.from({ length: this.opts.files }, (_, i) => (i === 0 ? this.opts.path : `${this.opts.path}.${i}`));
  }

  private flush(): void {
    if (this.writing || !this.lines.length) return;
    if (Date.now() < this.retryAt) {
      this.timer ??= setTimeout(() => { this.timer = null; this.flush(); }, this.retryAt - Date.now()).unref();
      return;
    }
    const buf = this.take();
    if (!buf) return;
    this.writing = true;
    write(this.fd!, buf.bytes, 0, buf.bytes.length, null, (err, n) => {
      this.writing = false;
      if (err) this.failed(err, buf.count);
      else this.written(buf, n);
      if (this.lines.length && !err) setImmediate(() => this.flush());
    });
  }

  /**
   * The next piece to write: whole lines that fit in the current file (rotating first when
   * none does). Opens the file when needed. Null when nothing can be written now.
   */
  private take(): { bytes: Buffer; count: number } | null {
    try {
      this.open();
      const max = this.opts.maxFileBytes;
      const prefix = this.pendingNotice();
      let room = max - this.size - Buffer.byteLength(prefix);
      if (room < Buffer.byteLength(this.lines[0] ?? '')) {
        this.rotate();
        room = max - Buffer.byteLength(prefix);
      }
      const parts: string[] = [prefix];
      let count = 0;
      let bytes = 0;
      while (count < this.lines.length) {
        const n = Buffer.byteLength(this.lines[count]!);
        if (n > max - Buffer.byteLength(prefix)) { // one line bigger than a file: it can never fit
          this.lines.splice(count, 1);
          this.held -= n;
          this.drop(1, 'line longer than log.max_file_mb');
          continue;
        }
        if (bytes + n > room) break;
        parts.push(this.lines[count]!);
        bytes += n;
        count++;
      }
      this.lines.splice(0, count);
      this.held -= bytes;
      if (!count && !prefix) return null;
      // the notice goes with these lines; if the write fails it is made again with the new total
      this.noticeTaken = prefix !== '';
      return { bytes: Buffer.from(parts.join('')), count };
    } catch (err) {
      const count = this.lines.length;
      this.lines = [];
      this.held = 0;
      this.failed(err as NodeJS.ErrnoException, count);
      return null;
    }
  }

  private pendingNotice(): string {
    const cut = this.cutLine ? '\n' : '';
    if (!this.droppedSinceOk) return cut;
    const line = { level: 40, time: Date.now(), name: 'bonin', msg: `log: ${this.droppedSinceOk} lines were dropped (${this.dropReason}); the log file is written again`, dropped: this.droppedSinceOk };
    return `${cut}${JSON.stringify(line)}\n`;
  }

  private written(buf: { bytes: Buffer; count: number }, n: number): void {
    this.size += n;
    this.stats.bytesWritten += n;
    if (n < buf.bytes.length) {
      // A partial write (the disk filled up mid-way): the rest is lost, the line cut short.
      this.cutLine = true;
      this.failed(Object.assign(new Error('short write'), { code: 'ENOSPC' }), buf.count);
      return;
    }
    this.cutLine = false;
    this.stats.linesWritten += buf.count;
    if (this.noticeTaken) { this.droppedSinceOk = 0; this.noticeTaken = false; }
    if (this.stats.failing) this.stats.failing = null;
  }

  private failed(err: NodeJS.ErrnoException, lines: number): void {
    this.noticeTaken = false;
    this.stats.writeErrors++;
    const why = `${err.code ?? 'error'}: ${err.message}`;
    if (!this.stats.failing) (this.opts.onFailing ?? ((m) => process.stderr.write(m)))(`bonin: cannot write the log file ${this.opts.path} (${why}); dropping log lines until it can\n`);
    this.stats.failing = why;
    this.drop(lines, why);
    this.retryAt = Date.now() + (this.opts.retryMs ?? 10_000);
    // Reopen next time: the folder may have been remounted, the file removed.
    this.closeFd();
  }

  private drop(lines: number, why: string): void {
    if (!lines) return;
    this.stats.linesDropped += lines;
    this.droppedSinceOk += lines;
    this.dropReason = why;
  }

  private open(): void {
    if (this.fd !== null) return;
    mkdirSync(dirname(this.opts.path), { recursive: true });
    this.fd = openSync(this.opts.path, 'a');
    this.size = fstatSync(this.fd).size;
  }

  private closeFd(): void {
    if (this.fd === null) return;
    try { closeSync(this.fd); } catch { /* already gone */ }
    this.fd = null;
  }

  /** gateway.log → .1 → .2 …; the oldest is removed. With files = 1 the file starts over. */
  private rotate(): void {
    this.closeFd();
    const p = this.paths();
    rmSync(p[p.length - 1]!, { force: true });
    for (let i = p.length - 1; i > 0; i--) {
      try { renameSync(p[i - 1]!, p[i]!); } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; }
    }
    if (p.length === 1) rmSync(p[0]!, { force: true });
    this.stats.rotations++;
    this.open();
  }

  /** Files of an earlier, larger `log.files` setting: removed, or they would count against nobody's cap. */
  private removeExtraFiles(): void {
    for (let i = this.opts.files; i < this.opts.files + 50; i++) rmSync(`${this.opts.path}.${i}`, { force: true });
  }
}
