// Meteorological formulas used by aggregation (../shared/docs/qc.md §6).

/** Saturation vapour pressure over water, hPa (Magnus, WMO-No. 8 constants). */
export function saturationVapourPressure(tC: number): number {
  return 6.112 * Math.exp((17.62 * tC) / (243.12 + tC));
}

/** Dew point, °C, from air temperature (°C) and relative humidity (%) (Magnus). */
export function dewPoint(tC: number, rh: number): number {
  const g = Math.log(rh / 100) + (17.62 * tC) / (243.12 + tC);
  return (243.12 * g) / (17.62 - g);
}

/**
 * Station pressure reduced to mean sea level (WMO-No. 8 Part I ch. 3):
 * p0 = p·10^(Kp·Hp / (Ts + a·Hp/2 + es·Ch)).
 */
export function seaLevelPressure(pHpa: number, tC: number, rh: number, elevationM: number): number {
  const Kp = 0.0148275;
  const a = 0.0065;
  const Ch = 0.12;
  const e = (saturationVapourPressure(tC) * rh) / 100;
  return pHpa * 10 ** ((Kp * elevationM) / (tC + 273.15 + (a * elevationM) / 2 + e * Ch));
}
