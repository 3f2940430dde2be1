// The NMEA twin's GNSS sentences (RMC, ZDA) read back as the simulator's clock time.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/index.ts';
import { isNmeaRefusal, parseNmeaSentence } from '../../drivers/nmea/parse.ts';
import { NmeaTwin, tradeWindDay } from '../../hw-sim/index.ts';

describe('NMEA twin GNSS time', () => {
  it('RMC and ZDA state the simulator clock (to the hundredth of a second)', () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 3, 23, 59, 58, 127));
    const twin = new NmeaTwin({ clock, scenario: tradeWindDay({ start: clock.now() }), intervals: { RMC: 1, ZDA: 1 } });
    for (const kind of ['RMC', 'ZDA'] as const) {
      const r = parseNmeaSentence(twin.render(kind), { sensor: 'met', ts: 0 });
      if (isNmeaRefusal(r)) throw new Error(r.reason);
      expect(r.time).toEqual({ utcMs: Date.UTC(2026, 11, 3, 23, 59, 58, 120), sentence: kind });
      expect(r.rejections).toEqual([]);
    }
  });
});
