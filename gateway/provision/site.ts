// Site presets and the WIGOS station identifier.
//
// Sources (stated, so a technician knows what to double-check):
// - Chichijima: JMA station 47971 (父島気象観測所), 27°05.5′N, 3 m above sea level (JMA, as
//   quoted in ../shared/docs/weather-sim.md and by set333.net, "標高は3m"); longitude
//   142.1917 °E as in config/chichijima.yaml (≈142.2 °E in the JMA quote; the minutes were not
//   checked against JMA's station list here). WIGOS id 0-392-0-47971 (Japan = 392, WMO index).
// - Hahajima: ≈26.64 °N 142.16 °E (village of Oki, Hahajima; approximate, not from a station
//   list). Hahajima has no WMO index, so no WIGOS id is preset, and its elevation is not
//   preset: the barometer's height must be measured on site (it sets sea-level pressure).
export interface SitePreset {
  label: string;
  id?: string;
  name: string;
  latitude: number;
  longitude: number;
  elevation_m?: number;
  source: string;
}

export const SITE_PRESETS: Record<string, SitePreset> = {
  chichijima: {
    label: 'Chichijima (JMA 47971)', id: '0-392-0-47971', name: 'Chichijima', latitude: 27.0917, longitude: 142.1917, elevation_m: 3,
    source: 'JMA 47971 Chichijima: 27°05.5′N ≈142.2°E, 3 m (JMA via shared/docs/weather-sim.md); longitude minutes unverified',
  },
  hahajima: {
    label: 'Hahajima (approximate)', name: 'Hahajima', latitude: 26.64, longitude: 142.16,
    source: 'approximate position of Oki village, Hahajima; no WMO index; elevation to be measured on site',
  },
};

/**
 * WIGOS station identifier, series 0: `0-<issuer>-<issue number>-<local id>`, issuer and issue
 * number 0–65534, local id 1–16 letters or digits (WMO-No. 1160, Manual on WIGOS, Attachment 2.1).
 * Returns the reason it is not one, or null.
 */
export function wigosProblem(id: string): string | null {
  const m = /^(\d+)-(\d+)-(\d+)-([A-Za-z0-9]+)$/.exec(id);
  if (!m) return 'a WIGOS station identifier looks like 0-392-0-47971 (series-issuer-issue number-local id)';
  if (m[1] !== '0') return `WIGOS identifier series must be 0, got ${m[1]}`;
  if (Number(m[2]) > 65534) return `issuer of identifier ${m[2]} is above 65534`;
  if (Number(m[3]) > 65534) return `issue number ${m[3]} is above 65534`;
  if (m[4]!.length > 16) return `local identifier "${m[4]}" is longer than 16 characters`;
  return null;
}
