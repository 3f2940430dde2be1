// What a checkpoint of the station's WAL writes, at the gateway's own cadence. SQLite copies
// each page changed since the last checkpoint into the database file once, whatever the number
// of commits that changed it; the gateway checkpoints every 4 MB of WAL (store/db.ts), hours
// apart. A bench window is minutes long: a checkpoint made at its end counts the often-changed
// pages (the outbox, the state, index roots, each table's last leaf) once per window, not once
// per 4 MB. This reads the window's frames from the WAL itself and splits the pages they change:
// pages that existed before the window (changed again and again: written once a checkpoint) and
// pages appended during it (the new data: written once, whenever the checkpoint comes).
// Linux counts a write per 4 kB block turned dirty, so pages are counted as the blocks they fall in.
import { readFileSync } from 'node:fs';

const BLOCK = 4096;

export interface WalWindow {
  /** WAL bytes of the window's frames */
  walBytes: number;
  /** 4 kB blocks of the database file holding the pages that existed before the window and changed in it */
  oldBlocks: number;
  /** 4 kB blocks holding the pages the window appended */
  newBlocks: number;
}

/** The frames written to `walPath` after byte `fromOffset` (the WAL's size when the window began). */
export function walWindow(walPath: string, fromOffset: number): WalWindow {
  const wal = readFileSync(walPath);
  const pageSize = wal.readUInt32BE(8);
  const salt = [wal.readUInt32BE(16), wal.readUInt32BE(20)];
  const frame = 24 + pageSize;
  let dbPagesBefore = 0;
  const changed = new Set<number>();
  let walBytes = 0;
  for (let off = 32; off + frame <= wal.length; off += frame) {
    // a frame left from before the last checkpoint has the old salt: the WAL ends there
    if (wal.readUInt32BE(off + 8) !== salt[0] || wal.readUInt32BE(off + 12) !== salt[1]) break;
    const page = wal.readUInt32BE(off);
    const commitPages = wal.readUInt32BE(off + 4); // the database's size in pages after a commit, 0 on other frames
    if (off < fromOffset) {
      if (commitPages) dbPagesBefore = commitPages;
      continue;
    }
    changed.add(page);
    walBytes += frame;
  }
  const blocks = (pages: number[]) => new Set(pages.map((p) => Math.floor(((p - 1) * pageSize) / BLOCK))).size;
  const all = [...changed];
  return { walBytes, oldBlocks: blocks(all.filter((p) => p <= dbPagesBefore)), newBlocks: blocks(all.filter((p) => p > dbPagesBefore)) };
}

/**
 * Bytes a day the gateway's checkpoints write, from a window of `seconds`: the appended blocks
 * scaled to a day, plus the old blocks once per checkpoint (a day's WAL / `checkpointBytes`).
 */
export function checkpointBytesPerDay(w: WalWindow, seconds: number, checkpointBytes = 4 * 1024 * 1024): number {
  const perDay = 86_400 / seconds;
  const checkpoints = (w.walBytes * perDay) / checkpointBytes;
  return (w.newBlocks * perDay + w.oldBlocks * Math.max(1, checkpoints)) * BLOCK;
}
