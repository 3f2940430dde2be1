import { describe, expect, it } from 'vitest';
import { HOUR_MS, indexRange, parseHourlyCsv } from './data.ts';

const HEADER = 'station,year,month,day,hour,temp,dewp,humid,wind_dir,wind_speed,wind_gust,precip,pressure,visib,time_hour';

describe('parseHourlyCsv', () => {
  it('takes the first column as the station whatever its header, converts to WMO units, keeps gaps as NaN', () => {
    const csv = [
      HEADER,
      'XYZ,2015.0,1.0,1.0,1.0,32.0,23.0,70,90.0,10.0,NA,0.1,1013.2,10,2015-01-01T06:00:00Z',
      'XYZ,2015,1,1,3,NA,23,70,0,0,NA,0,NA,10,2015-01-01T08:00:00Z', // calm, a missing hour before it
      'XYZ,2015,1,1,4,50,23,70,180,1048.4,NA,0,1013,10,2015-01-01T09:00:00Z', // an impossible wind
      'ABC,2015,1,1,1,86,23,70,270,5,NA,0,1013,10,2015-01-01T06:00:00Z',
    ].join('\n');
    const [xyz, abc] = parseHourlyCsv(csv);
    expect(xyz!.station).toBe('XYZ');
    expect(xyz!.start).toBe(Date.UTC(2015, 0, 1, 6));
    expect(xyz!.temperature.length).toBe(4);
    expect(xyz!.temperature[0]).toBeCloseTo(0, 6);
    expect(xyz!.dewPoint[0]).toBeCloseTo(-5, 6);
    expect(xyz!.windSpeed[0]).toBeCloseTo(4.4704, 6);
    expect(xyz!.windFrom[0]).toBe(90);
    expect(xyz!.precip[0]).toBeCloseTo(2.54, 6);
    expect(xyz!.pressure[0]).toBeCloseTo(1013.2, 6);
    expect(Number.isNaN(xyz!.temperature[1]!)).toBe(true); // the hour with no row
    expect(xyz!.localHour[1]).toBe(2); // followed on from the row before
    expect(Number.isNaN(xyz!.temperature[2]!)).toBe(true); // NA
    expect(xyz!.windSpeed[2]).toBe(0);
    expect(Number.isNaN(xyz!.windFrom[2]!)).toBe(true); // calm has no direction
    expect(Number.isNaN(xyz!.windSpeed[3]!)).toBe(true); // 1048 mph is not wind
    expect(abc!.temperature[0]).toBeCloseTo(30, 6);
    expect(indexRange(xyz!, Date.UTC(2015, 0, 1, 7), Date.UTC(2015, 0, 1, 9))).toEqual([1, 3]);
    expect(indexRange(xyz!, xyz!.start + 100 * HOUR_MS)).toEqual([4, 4]);
  });

  it('reads time_hour written by R or pandas (space, no zone, +00:00) as UTC', () => {
    const csv = [HEADER,
      'A,2015,1,1,1,32,23,70,90,10,NA,0,1013,10,2015-01-01 06:00:00',
      'A,2015,1,1,2,32,23,70,90,10,NA,0,1013,10,"2015-01-01 07:00:00+00:00"',
      'A,2015,1,1,3,32,23,70,90,10,NA,0,1013,10,2015-01-01T08:00:00Z',
      'A,2015,1,1,4,32,23,70,90,10,NA,0,1013,10,2015-01-01T04:00:00-05:00',
    ].join('\r\n');
    const [a] = parseHourlyCsv(csv);
    expect(a!.start).toBe(Date.UTC(2015, 0, 1, 6));
    expect(a!.temperature.length).toBe(4); // 06, 07, 08, 09 UTC: one regular series
    expect(a!.temperature.every((v) => v === 0)).toBe(true);
  });

  it('says which column is missing', () => {
    expect(() => parseHourlyCsv('origin,temp\nX,1')).toThrow(/no column "time_hour"/);
  });
});
