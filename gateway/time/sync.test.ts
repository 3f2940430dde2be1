import { execSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock, type Clock } from '../../core/index.ts';
import { createLogger } from '../log.ts';
import { BUILD_FLOOR_MS } from './floor.ts';
import { checkSystemSync, parseChronycTracking } from './system.ts';
import { TimeSync, type SyncEvent } from './sync.ts';

const log = createLogger({ level: 'silent' });
const TRUE_START = Date.UTC(2026, 11, 3, 6);

/** A board clock `wrongBy` ms off the truth (a ManualClock), and the truth's monotonic time. */
function board(wrongBy: number) {
  const truth = new ManualClock(TRUE_START);
  const base: Clock = { speed: 1, now: () => truth.now() + wrongBy, after: (ms, fn) => truth.after(ms, fn), every: (ms, fn) => truth.every(ms, fn), sleep: (ms) => truth.sleep(ms) };
  return { truth, base, monotonic: () => truth.now() - TRUE_START };
}

describe('TimeSync', () => {
  it('a 1970 board clock is unsynchronised until GNSS says the time; then the clock is true and the step is reported', () => {
    const b = board(Date.UTC(1970, 0, 1) - TRUE_START);
    const t = new TimeSync({ base: b.base, systemBacked: false, required: true, monotonic: b.monotonic, bootId: 'boot-a', log });
    expect(t.state()).toMatchObject({ synchronised: false, source: null, offset_ms: null, boot_id: 'boot-a' });
    expect(t.clock.now()).toBe(Date.UTC(1970, 0, 1));
    const events: SyncEvent[] = [];
    t.on('synchronised', (e: SyncEvent) => events.push(e));
    b.truth.advance(90_000);
    const monoBefore = t.monoAt(t.clock.now() - 30_000); // a reading stamped 30 s ago
    expect(t.offer('gnss', b.truth.now())).toBe(true);
    expect(t.synchronised).toBe(true);
    expect(t.clock.now()).toBe(b.truth.now());
    expect(t.state()).toMatchObject({ source: 'gnss', offset_ms: TRUE_START - Date.UTC(1970, 0, 1), since: b.truth.now() });
    expect(events).toHaveLength(1);
    // the reading's true time from its monotonic time
    expect(events[0]!.trueMs + (monoBefore - events[0]!.mono)).toBe(b.truth.now() - 30_000);
    b.truth.advance(3_600_000);
    expect(t.clock.now()).toBe(b.truth.now()); // keeps the truth on monotonic time
  });

  it('refuses a time before the build floor (GPS week rollover) and a worse source once synchronised', () => {
    const b = board(-3 * 86_400_000);
    const t = new TimeSync({ base: b.base, systemBacked: false, required: true, monotonic: b.monotonic, bootId: 'x', log });
    expect(t.offer('gnss', b.truth.now() - 1024 * 7 * 86_400_000)).toBe(false);
    expect(t.refused).toBe(1);
    expect(t.offer('ack', b.truth.now() + 200)).toBe(true);
    expect(t.state().source).toBe('ack');
    expect(t.offer('gnss', b.truth.now())).toBe(true); // better source takes over
    expect(t.offer('ack', b.truth.now() + 10_000)).toBe(false); // worse one ignored now
    expect(t.clock.now()).toBe(b.truth.now());
    expect(t.offer('gnss', b.truth.now() + 300)).toBe(false); // within GNSS jitter: no step
  });

  it('an ack sample steps a set clock only by more than its uncertainty (half its round trip): a queued link does not drag the clock back', () => {
    const b = board(-3 * 86_400_000);
    const t = new TimeSync({ base: b.base, systemBacked: false, required: true, monotonic: b.monotonic, bootId: 'x', log });
    // unsynchronised: the first sample is taken, however uncertain
    expect(t.offer('ack', b.truth.now(), undefined, 3_600_000)).toBe(true);
    // an ack that queued 2 h up the link and came straight back reads 1 h early (± 1 h): no step
    expect(t.offer('ack', b.truth.now() - 3_600_000, undefined, 3_600_000)).toBe(false);
    expect(t.clock.now()).toBe(b.truth.now());
    // a sample with an unknown round trip never steps a set clock
    expect(t.offer('ack', b.truth.now() - 86_400_000, undefined, Number.POSITIVE_INFINITY)).toBe(false);
    // a precise sample off by more than jitter + uncertainty does
    expect(t.offer('ack', b.truth.now() + 60_000, undefined, 500)).toBe(true);
    expect(t.clock.now()).toBe(b.truth.now() + 60_000);
  });

  it('not required: a simulated clock is assumed right; a real one only after the build floor', () => {
    const ok = board(0);
    expect(new TimeSync({ base: ok.base, systemBacked: false, monotonic: ok.monotonic, bootId: 'x', log }).state()).toMatchObject({ synchronised: true, source: 'assumed', offset_ms: 0 });
    const old = board(Date.UTC(1970, 0, 1) - TRUE_START);
    expect(new TimeSync({ base: old.base, systemBacked: true, required: false, monotonic: old.monotonic, bootId: 'x', log }).synchronised).toBe(false);
    expect(new TimeSync({ base: ok.base, systemBacked: true, monotonic: ok.monotonic, bootId: 'x', log }).synchronised).toBe(false); // auto on the real clock: required
  });

  it('the system source: only for the real clock, synchronised when the OS says so', async () => {
    const b = board(0);
    const t = new TimeSync({ base: b.base, systemBacked: true, monotonic: b.monotonic, bootId: 'x', log, systemCheck: async () => ({ synchronised: true, by: 'timesyncd' }) });
    t.start();
    await new Promise((r) => setTimeout(r, 10));
    t.stop();
    expect(t.state()).toMatchObject({ synchronised: true, source: 'system', offset_ms: 0 });
    const sim = new TimeSync({ base: b.base, systemBacked: false, required: true, monotonic: b.monotonic, bootId: 'x', log, systemCheck: async () => ({ synchronised: true, by: 'timesyncd' }) });
    expect(sim.sources.has('system')).toBe(false);
  });

  it('the build floor is not after this checkout\'s last commit', () => {
    let committed: number;
    try {
      committed = Number(execSync('git log -1 --format=%ct', { cwd: import.meta.dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()) * 1000;
    } catch {
      return; // not a git checkout (an installed copy): nothing to compare with
    }
    expect(BUILD_FLOOR_MS).toBeLessThanOrEqual(committed);
  });
});

describe('asking the operating system', () => {
  it('reads chronyc -c tracking', () => {
    expect(parseChronycTracking('C0A80001,192.168.0.1,3,1764749123.123456789,-0.000012345,0.000001234,0.000012345,-12.345,0.012,0.123,0.010234,0.001234,64.5,Normal\n')).toBe(true);
    expect(parseChronycTracking('00000000,,0,0.000000000,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,1.000000000,1.000000000,0.0,Not synchronised\n')).toBe(false);
    expect(parseChronycTracking('506 Cannot talk to daemon\n')).toBeNull();
  });

  it('timesyncd flag file, then timedatectl, then chronyc; no daemon: unknown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bonin-time-'));
    const flag = join(dir, 'synchronized');
    const script = (name: string, out: string) => {
      const p = join(dir, name);
      writeFileSync(p, `#!/bin/sh\necho '${out}'\n`, { mode: 0o755 });
      return p;
    };
    expect(await checkSystemSync({ timesyncdFlag: flag, timedatectl: join(dir, 'absent'), chronyc: join(dir, 'absent') })).toBeNull();
    expect(await checkSystemSync({ timesyncdFlag: flag, timedatectl: script('tdc-no', 'no'), chronyc: script('chrony', '00000000,,0,0,0,0,0,0,0,0,1,1,0,Not synchronised') })).toEqual({ synchronised: false, by: 'chrony' });
    expect(await checkSystemSync({ timesyncdFlag: flag, timedatectl: script('tdc-yes', 'yes'), chronyc: null })).toEqual({ synchronised: true, by: 'timedatectl' });
    writeFileSync(flag, '');
    expect(await checkSystemSync({ timesyncdFlag: flag })).toEqual({ synchronised: true, by: 'timesyncd' });
  });
});

describe('a clock assumed right', () => {
  it('is not stepped by a source within its jitter, only when really off', () => {
    const b = board(0);
    const t = new TimeSync({ base: b.base, systemBacked: false, monotonic: b.monotonic, bootId: 'x', log });
    expect(t.offer('ack', b.truth.now() + 800)).toBe(false);
    expect(t.state().source).toBe('assumed');
    expect(t.offer('gnss', b.truth.now() + 3_600_000)).toBe(true);
    expect(t.state()).toMatchObject({ source: 'gnss', offset_ms: 3_600_000 });
  });
});
