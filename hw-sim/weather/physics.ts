// Small physical relations shared by the scenarios.

// Magnus coefficients over water (Alduchov & Eskridge 1996): good to ~0.1 °C from −40 to 50 °C.
const A = 17.625;
const B = 243.04;

/** Dew point (°C) from air temperature (°C) and relative humidity (%), Magnus formula. */
export function dewPoint(tC: number, rh: number): number {
  const g = Math.log(Math.max(rh, 1e-6) / 100) + (A * tC) / (B + tC);
  return (B * g) / (A - g);
}

/** Relative humidity (%) from air temperature and dew point (°C), Magnus formula; not clamped. */
export function relativeHumidity(tC: number, tdC: number): number {
  return 100 * Math.exp((A * tdC) / (B + tdC) - (A * tC) / (B + tC));
}

/**
 * Station pressure from sea-level pressure for a station `elevationM` above the sea:
 * ρg ≈ 1.17 kg/m³ · 9.81 m/s² ≈ 0.117 hPa per metre near the surface (0.35 hPa at 3 m,
 * weather-sim.md §2).
 */
export function stationPressure(slpHpa: number, elevationM: number): number {
  return slpHpa - 0.117 * elevationM;
}

/** Wind (speed, from-direction) to the components of the vector the wind blows along. */
export function windToUv(speed: number, fromDeg: number): { u: number; v: number } {
  const r = (fromDeg * Math.PI) / 180;
  return { u: -speed * Math.sin(r), v: -speed * Math.cos(r) };
}

/** Direction the wind comes from (degrees, [0, 360)) of a (u, v) vector. */
export function uvToFromDirection(u: number, v: number): number {
  const d = (Math.atan2(-u, -v) * 180) / Math.PI;
  return ((d % 360) + 360) % 360;
}

export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
