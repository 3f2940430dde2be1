// Solar elevation at a place and instant. Both ends need it: the simulator lights its camera
// pictures by it (hw-sim/weather/sky.ts), the gateway decides by it whether a frame is taken
// in daylight (a cloud fraction from a night sky is meaningless). Like the checksums, it
// lives in core so neither end copies the other.
//
// NOAA's "General Solar Position Calculations" (fractional-year Fourier series for the
// equation of time and the declination, Spencer 1971): good to about ±0.5° in elevation,
// far better than a camera needs. Atmospheric refraction is ignored (≈ 0.5° at the horizon).

const RAD = Math.PI / 180;
const DAY_MS = 86_400_000;

/** Sun elevation above the horizon, degrees (negative below it). lat/lon in degrees, east positive; ts UTC ms. */
export function sunElevation(lat: number, lon: number, ts: number): number {
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || !Number.isFinite(ts)) {
    throw new RangeError(`sunElevation: lat, lon and ts must be finite numbers (got ${lat}, ${lon}, ${ts})`);
  }
  const d = new Date(ts);
  const year = d.getUTCFullYear();
  const daysInYear = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 366 : 365;
  const dayOfYear = Math.floor((ts - Date.UTC(year, 0, 1)) / DAY_MS) + 1;
  const minutes = (ts - Date.UTC(year, d.getUTCMonth(), d.getUTCDate())) / 60_000;
  const g = ((2 * Math.PI) / daysInYear) * (dayOfYear - 1 + (minutes / 60 - 12) / 24);

  const eqTimeMin = 229.18 * (0.000075 + 0.001868 * Math.cos(g) - 0.032077 * Math.sin(g)
    - 0.014615 * Math.cos(2 * g) - 0.040849 * Math.sin(2 * g));
  const decl = 0.006918 - 0.399912 * Math.cos(g) + 0.070257 * Math.sin(g) - 0.006758 * Math.cos(2 * g)
    + 0.000907 * Math.sin(2 * g) - 0.002697 * Math.cos(3 * g) + 0.00148 * Math.sin(3 * g);

  const trueSolarMin = minutes + eqTimeMin + 4 * lon;
  const hourAngle = (trueSolarMin / 4 - 180) * RAD;
  const phi = lat * RAD;
  const cosZenith = Math.sin(phi) * Math.sin(decl) + Math.cos(phi) * Math.cos(decl) * Math.cos(hourAngle);
  return 90 - Math.acos(Math.max(-1, Math.min(1, cosZenith))) / RAD;
}
