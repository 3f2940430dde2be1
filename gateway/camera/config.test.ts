// The station file's `cameras:` section: defaults, password files relative to the station
// file, and refusals that name the key and the reason.
import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../config/load.ts';

const base = (cameras: unknown) => ({
  station: { id: 'STN', name: 'Test', latitude: 27, longitude: 142, elevation_m: 3 },
  storage: { path: 'x.db' },
  uplink: { broker: 'mqtt://127.0.0.1:1883' },
  sensors: [{ id: 'wxt530', type: 'vaisala-wxt530', port: '/dev/ttyUSB0' }],
  cameras,
});

function problemsOf(raw: unknown): string[] {
  try {
    validateConfig(raw, 'station.yaml', '/etc/bonin');
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('cameras in the station file', () => {
  it('is optional, and a camera gets its defaults and a password file beside the station file', () => {
    expect(validateConfig(base(undefined)).cameras).toEqual({ frames_quota_mb: 200, frames_mb_per_day: 8, devices: [] });
    const c = validateConfig(base({ devices: [{ id: 'cam-east', xaddr: 'http://10.0.0.5/onvif/device_service', user: 'bonin', password_file: 'cam.pass' }] }), 'station.yaml', '/etc/bonin').cameras;
    expect(c.devices[0]).toEqual({ id: 'cam-east', xaddr: 'http://10.0.0.5/onvif/device_service', discover: false, user: 'bonin', password_file: '/etc/bonin/cam.pass', interval_min: 10, severe_interval_min: 2, timeout_s: 10, retries: 2 });
  });

  it('names the key and the reason when a camera is wrong', () => {
    const cam = { id: 'cam1', user: 'bonin', password_file: 'p' };
    expect(problemsOf(base({ devices: [cam] }))).toEqual(['cameras.devices.0: needs xaddr, or discover: true']);
    expect(problemsOf(base({ devices: [{ ...cam, xaddr: 'https://cam/onvif' }] }))[0]).toMatch(/^cameras\.devices\.0\.xaddr: must be an http:\/\/ URL/);
    expect(problemsOf(base({ devices: [{ ...cam, id: 'wxt530', discover: true }] }))).toEqual(['cameras.devices.0.id: "wxt530" is already a sensor or camera id']);
    expect(problemsOf(base({ devices: [{ ...cam, discover: true }, { ...cam, discover: true }] }))).toEqual(['cameras.devices.1.id: "cam1" is already a sensor or camera id']);
    expect(problemsOf(base({ frames_quota_mb: 0, devices: [] }))[0]).toMatch(/^cameras\.frames_quota_mb: /);
  });
});
