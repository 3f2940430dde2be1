// Helpers for tests of device twins: a constant or hand-written scenario and a link that
// records what the device wrote. Not test files themselves, so other folders' tests may use them.
import type { TruthSample, WeatherScenario } from '../weather/types.ts';
import type { DeviceLink } from './link.ts';

export function constantScenario(over: Partial<TruthSample> = {}, f?: (ts: number) => Partial<TruthSample>): WeatherScenario {
  return {
    name: 'constant',
    start: 0,
    at: (ts) => ({
      ts: Math.floor(ts / 1000) * 1000,
      wind_speed: 5, wind_from_direction: 90, air_temperature: 25, relative_humidity: 80,
      air_pressure: 1014.6, air_pressure_at_mean_sea_level: 1015, rainfall_rate: 0, precipitation_amount_since_start: 0,
      ...over, ...f?.(ts),
    }),
  };
}

/** A link that records the device's bytes and lets a test send commands. */
export function recordingLink(): DeviceLink & { bytes(): Buffer; text(): string; lines(): string[]; clear(): void; send(s: string): void } {
  let chunks: Buffer[] = [];
  const listeners: Array<(b: Buffer) => void> = [];
  return {
    write: (b) => { chunks.push(Buffer.isBuffer(b) ? b : Buffer.from(b, 'latin1')); },
    onData: (cb) => { listeners.push(cb); },
    bytes: () => Buffer.concat(chunks),
    text: () => Buffer.concat(chunks).toString('latin1'),
    lines: () => Buffer.concat(chunks).toString('latin1').split('\r\n').filter((l) => l !== ''),
    clear: () => { chunks = []; },
    send: (s) => { for (const l of listeners) l(Buffer.from(s, 'latin1')); },
  };
}
