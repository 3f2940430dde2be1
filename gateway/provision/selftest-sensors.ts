// Self-test of the sensors: every sensor of the written station file read for a while through
// the gateway's own drivers (gateway/sensors), each reading put through the gateway's range QC
// with the station's limits. A sensor passes when it delivered readings and none was `bad`.
import type { Clock, Observation, Quantity } from '../../core/index.ts';
import type { StationConfig } from '../config/schema.ts';
import { checkRange } from '../qc/range.ts';
import { sensorFamily } from '../sensors/index.ts';

export type Verdict = 'pass' | 'fail' | 'warn';

export interface SensorSelfTest {
  sensor: string;
  type: string;
  port: string;
  verdict: Verdict;
  /** what to do when it is not a pass */
  advice?: string;
  observations: number;
  rejections: number;
  /** per quantity: readings and QC flags, and the series for the report's plot */
  quantities: Record<string, { n: number; flags: Record<string, number>; min: number | null; max: number | null; last: number | null; series: Array<[number, number]> }>;
  /** expected quantities never seen */
  missing: string[];
}

const SERIES_MAX = 600;

export async function selfTestSensors(config: StationConfig, clock: Clock, seconds: number): Promise<SensorSelfTest[]> {
  const quiet = { warn: () => {}, info: () => {} };
  return Promise.all(config.sensors.map(async (s): Promise<SensorSelfTest> => {
    const family = sensorFamily(s.type);
    const result: SensorSelfTest = { sensor: s.id, type: s.type, port: s.port, verdict: 'fail', observations: 0, rejections: 0, quantities: {}, missing: [] };
    const driver = family.create(s as never, { clock, log: quiet });
    driver.on('observations', (obs: Observation[]) => {
      for (const raw of obs) {
        const o = checkRange(raw, config.qc.climate_limits);
        result.observations++;
        const q = (result.quantities[o.quantity] ??= { n: 0, flags: {}, min: null, max: null, last: null, series: [] });
        q.n++;
        q.flags[o.qc.flag] = (q.flags[o.qc.flag] ?? 0) + 1;
        if (o.value !== null && Number.isFinite(o.value)) {
          q.min = q.min === null ? o.value : Math.min(q.min, o.value);
          q.max = q.max === null ? o.value : Math.max(q.max, o.value);
          q.last = o.value;
          if (q.series.length < SERIES_MAX) q.series.push([o.ts, o.value]);
        }
      }
    });
    driver.on('rejection', () => { result.rejections++; });
    driver.start();
    await new Promise<void>((r) => clock.after(seconds * 1000, r));
    await driver.stop();
    const seen = new Set(Object.keys(result.quantities));
    // Rain comes as the gauge's counter; the minute aggregator turns it into precipitation_amount.
    if (seen.has('precipitation_amount_since_reset')) seen.add('precipitation_amount');
    result.missing = family.expected.filter((q: Quantity) => !seen.has(q));
    const bad = Object.entries(result.quantities).filter(([, q]) => (q.flags.bad ?? 0) > 0).map(([k]) => k);
    if (result.observations === 0) {
      result.advice = `no reading from ${s.port} in ${seconds} s: check the cable and power, that nothing else holds the port, and the baud rate (${'baud' in s ? s.baud : '?'}); run \`bonin provision\` again to re-scan`;
    } else if (bad.length) {
      result.advice = `${bad.join(', ')} outside the physically possible range (QC bad): check the sensor (wet, damaged, wrong units setting) before leaving`;
    } else {
      result.verdict = result.missing.length ? 'warn' : 'pass';
      if (result.missing.length) result.advice = `no ${result.missing.join(', ')} in ${seconds} s: a slow message interval or an unwired instrument; lengthen --self-test-s or check the sensor's message settings`;
    }
    return result;
  }));
}
