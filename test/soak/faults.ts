// The soak's fault schedule, in simulated time and seeded (SOAK_SEED), so a failing run can
// be replayed. Faults from every issue: sensor unplugged and plugged back and garbage bytes
// on the line (drivers, #4), the broker down and up and satellite-link outages (uplink,
// #5), the gateway restarted and killed (#10); a camera offline when the station has one
// (#8). Every fault ends: the last day is quiet so the backlog drains.

export type FaultKind = 'unplug' | 'replug' | 'noise-on' | 'noise-off' | 'broker-down' | 'broker-up' | 'link-down' | 'link-up' | 'restart' | 'kill' | 'camera-off' | 'camera-on';

export interface FaultEvent {
  /** ms of simulated time after the start */
  at: number;
  kind: FaultKind;
  /** the device (unplug, noise) */
  device?: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32);
}

export function faultSchedule(o: { days: number; devices: number; seed: number; camera: boolean }): FaultEvent[] {
  const r = rng(o.seed);
  const ev: FaultEvent[] = [];
  const pair = (at: number, len: number, on: FaultKind, off: FaultKind, device?: number) => {
    ev.push({ at, kind: on, ...(device !== undefined ? { device } : {}) }, { at: at + len, kind: off, ...(device !== undefined ? { device } : {}) });
  };
  const faultyDays = Math.max(o.days - 1, 0.5); // the last day is quiet (the whole run when it is short)
  const span = faultyDays * DAY;
  for (let d = 0; d < faultyDays; d += 1) {
    const day = d * DAY;
    const within = (len: number) => day + HOUR + r() * Math.max(DAY * Math.min(1, faultyDays - d) - len - 2 * HOUR, HOUR);
    // a sensor unplugged for 20–90 minutes, then plugged back
    const unplugLen = (20 + r() * 70) * MIN;
    pair(within(unplugLen), unplugLen, 'unplug', 'replug', Math.floor(r() * o.devices));
    // an hour of garbage bytes and torn lines on one device
    pair(within(HOUR), HOUR, 'noise-on', 'noise-off', Math.floor(r() * o.devices));
    // the broker down for 5–40 minutes
    const brokerLen = (5 + r() * 35) * MIN;
    pair(within(brokerLen), brokerLen, 'broker-down', 'broker-up');
    // a satellite-link outage of 1–6 hours every other day
    if (d % 2 === 1 || faultyDays < 2) {
      const len = (1 + r() * 5) * HOUR;
      pair(within(len), len, 'link-down', 'link-up');
    }
    if (o.camera) pair(within(3 * HOUR), 3 * HOUR, 'camera-off', 'camera-on');
  }
  // A long outage: two days in a 30-day run (the backlog drains after it).
  if (o.days >= 10) pair(11.3 * DAY, 2 * DAY, 'link-down', 'link-up');
  // The gateway: stopped and started (SIGTERM) and killed (SIGKILL, restarted at once).
  if (o.days >= 7) {
    for (let d = 7; d < faultyDays; d += 7) ev.push({ at: d * DAY + 0.37 * DAY, kind: (d / 7) % 2 ? 'restart' : 'kill' });
  } else {
    ev.push({ at: span * 0.45, kind: 'restart' }, { at: span * 0.8, kind: 'kill' });
  }
  return ev.sort((a, b) => a.at - b.at);
}
