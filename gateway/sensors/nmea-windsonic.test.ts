// The NMEA 0183 and Gill WindSonic families in the station file: defaults, refusals with the
// key that is wrong, and the driver each builds.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/index.ts';
import { NmeaDriver, WindsonicDriver } from '../../drivers/index.ts';
import { ConfigError, validateConfig } from '../config/load.ts';
import { sensorFamily } from './index.ts';

const station = (sensors: unknown[]) => ({
  station: { id: 'STN', name: 'Test', latitude: 27, longitude: 142, elevation_m: 3 },
  storage: { path: 'x.db' },
  uplink: { broker: 'mqtt://127.0.0.1:1883' },
  sensors,
});
const problems = (sensors: unknown[]) => {
  try {
    validateConfig(station(sensors));
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.join('\n');
    throw e;
  }
  return '';
};
const log = { info: () => {}, warn: () => {}, debug: () => {}, error: () => {} };

describe('nmea-0183 and gill-windsonic station entries', () => {
  it('get their families\' defaults', () => {
    const cfg = validateConfig(station([
      { id: 'met', type: 'nmea-0183', port: '/dev/ttyUSB1' },
      { id: 'sonic', type: 'gill-windsonic', port: 'tcp://10.0.0.5:4001' },
    ]));
    expect(cfg.sensors[0]).toEqual({ id: 'met', type: 'nmea-0183', port: '/dev/ttyUSB1', baud: 4800, heading_offset_deg: 0, xdr_merge: [], idle_timeout_s: 30 });
    expect(cfg.sensors[1]).toEqual({ id: 'sonic', type: 'gill-windsonic', port: 'tcp://10.0.0.5:4001', baud: 9600, node: 'Q', mode: 'continuous', poll_interval_s: 1, idle_timeout_s: 10 });
  });

  it('refuse bad values naming the key', () => {
    expect(problems([{ id: 'met', type: 'nmea-0183', port: '/dev/ttyUSB1', heading_offset_deg: 400 }])).toContain('heading_offset_deg');
    expect(problems([{ id: 'met', type: 'nmea-0183', port: '/dev/ttyUSB1', talker: 'WI' }])).toContain('talker');
    expect(problems([{ id: 'sonic', type: 'gill-windsonic', port: '/dev/ttyUSB2', node: 'q' }])).toContain('node');
    expect(problems([{ id: 'sonic', type: 'gill-windsonic', port: '/dev/ttyUSB2', mode: 'uv' }])).toContain('mode');
  });

  it('build their drivers with the entry\'s settings', async () => {
    const clock = new ManualClock();
    const cfg = validateConfig(station([
      { id: 'met', type: 'nmea-0183', port: 'tcp://127.0.0.1:9', heading_offset_deg: 45 },
      { id: 'sonic', type: 'gill-windsonic', port: 'tcp://127.0.0.1:9', node: 'A', mode: 'polled' },
    ]));
    const nmea = sensorFamily('nmea-0183').create(cfg.sensors[0]!, { clock, log: log as never });
    const ws = sensorFamily('gill-windsonic').create(cfg.sensors[1]!, { clock, log: log as never });
    expect(nmea).toBeInstanceOf(NmeaDriver);
    expect((nmea as NmeaDriver).headingOffsetDeg).toBe(45);
    expect(ws).toBeInstanceOf(WindsonicDriver);
    expect(ws as WindsonicDriver).toMatchObject({ node: 'A', mode: 'polled', sensor: 'sonic' });
    expect(sensorFamily('gill-windsonic').expected).toEqual(['wind_speed', 'wind_from_direction']);
  });
});
