// The real-data sanity run: NYC 2013 hourly METAR through the QC checks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flagRates } from './flag-rates.ts';

describe('QC over nyc-2013-hourly.csv (real data)', () => {
  const { rows, tally } = flagRates(readFileSync(new URL('../../../shared/data/nyc-2013-hourly.csv', import.meta.url), 'utf8'));
  it('reads every row', () => expect(rows).toBe(26_115));
  it('the one impossible value of the file — EWR 2013-02-12 08 UTC, 1048 mph — is the one bad wind speed', () => {
    expect(tally['range: wind_speed']).toMatchObject({ bad: 1, suspect: 0 });
  });
  it('wind reported without a direction (METAR VRB) is missing, never north', () => {
    expect(tally['consistency: calm ⇔ no direction']!.missing).toBe(456);
  });
  it('steps and dry rain are rare (under 1 %), as in real weather', () => {
    for (const k of Object.keys(tally).filter((k) => k.startsWith('step') || k.includes('rain'))) {
      expect(tally[k]!.suspect / tally[k]!.tested).toBeLessThan(0.01);
      expect(tally[k]!.suspect).toBeGreaterThan(0);
    }
  });
});
