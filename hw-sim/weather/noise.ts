// Deterministic noise from hashing (seed, channel, integer index). No generator state, so
// `scenario.at(ts)` stays a pure function of ts: replays and restarts see the same weather.

/** 32-bit integer hash (the "lowbias32" finaliser), good enough to decorrelate neighbours. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash a string channel name once, so channels of one seed are independent. */
export function channelId(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Uniform in [0, 1) for (seed, channel, index). Index may be any integer within ±2^53. */
export function uniform(seed: number, channel: number, index: number): number {
  const lo = index >>> 0;
  const hi = Math.floor(index / 4294967296) >>> 0;
  const h = mix(mix(mix(seed >>> 0) ^ channel) ^ lo ^ mix(hi + 0x9e3779b9));
  return h / 4294967296;
}

/** Standard normal for (seed, channel, index), by Box–Muller on two hashed uniforms. */
export function gaussian(seed: number, channel: number, index: number): number {
  const u1 = uniform(seed, channel, index * 2) || 1e-12;
  const u2 = uniform(seed, channel, index * 2 + 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Smooth noise ("value noise"): standard-normal values at knots every `periodS` seconds,
 * joined by a cosine ease so the series is continuous with no corners. Its standard
 * deviation is a little under 1 between knots (≈0.8 midway); callers scale it.
 */
export function smooth(seed: number, channel: number, tSeconds: number, periodS: number): number {
  const x = tSeconds / periodS;
  const i = Math.floor(x);
  const f = x - i;
  const w = (1 - Math.cos(Math.PI * f)) / 2;
  return gaussian(seed, channel, i) * (1 - w) + gaussian(seed, channel, i + 1) * w;
}
