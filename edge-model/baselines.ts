// What a model must beat. Each baseline forecasts the change x(t+h) − x(t) from the
// station's own history, like the model; the rain baselines give a probability.
import { type HourlySeries } from './data.ts';
import { diurnalChange } from './features.ts';

type Key = 'temperature' | 'pressure' | 'windSpeed';

export interface Baseline {
  name: string;
  what: string;
  change: (s: HourlySeries, key: Key, i: number, h: number) => number;
}

const at = (s: HourlySeries, k: Key, i: number) => (i >= 0 && i < s[k].length ? s[k][i]! : NaN);

export const BASELINES: Baseline[] = [
  { name: 'persistence', what: 'the value now, unchanged', change: () => 0 },
  {
    name: 'linear_trend',
    what: 'the last 3 h trend carried on, damped to at most 3 h of it',
    change: (s, k, i, h) => ((at(s, k, i) - at(s, k, i - 3)) / 3) * Math.min(h, 3),
  },
  {
    name: 'diurnal_7day',
    what: 'the station\'s mean change over the same hours of the last 7 days',
    change: (s, k, i, h) => diurnalChange(s, k, i, h),
  },
];

/** Rain in the next 3 h: persistence (it rained in the last 3 h) and the station's 7-day rate. */
export const RAIN_BASELINES: { name: string; what: string; p: (s: HourlySeries, i: number) => number }[] = [
  {
    name: 'persistence',
    what: '1 if it rained in the last 3 h, else 0',
    p: (s, i) => {
      let any = 0;
      for (let j = i - 2; j <= i; j++) { const v = s.precip[j]; if (v === undefined || Number.isNaN(v)) return NaN; if (v > 0) any = 1; }
      return any;
    },
  },
  {
    name: 'rate_7day',
    what: 'the fraction of the last 7 days\' hours followed by rain within 3 h',
    p: (s, i) => {
      let wet = 0;
      let n = 0;
      for (let j = i - 7 * 24; j <= i - 3; j++) {
        const a = s.precip[j + 1]; const b = s.precip[j + 2]; const c = s.precip[j + 3];
        if (a === undefined || b === undefined || c === undefined || Number.isNaN(a + b + c)) continue;
        n++;
        if (a + b + c > 0) wet++;
      }
      return n >= 48 ? wet / n : NaN;
    },
  },
];
