// parse_lines_per_s for each driver: the pure parser alone, on lines the simulator's twin
// renders (real protocol bytes). Add a family: one entry in INPUTS.
import { ManualClock } from '../core/index.ts';
import { LINE_PARSERS } from '../drivers/index.ts';
import { tradeWindDay, Wxt530Twin } from '../hw-sim/index.ts';
import { PtbTwin, Rg15Twin } from '../hw-sim/index.ts';
import { NmeaTwin, WindsonicTwin, type NmeaSentenceKind } from '../hw-sim/index.ts';

/** n lines of each driver's real output, one simulated second apart. */
export const INPUTS: Record<string, (n: number) => string[]> = {
  wxt: (n) => {
    const clock = new ManualClock(Date.UTC(2026, 6, 1));
    const twin = new Wxt530Twin({ clock, scenario: tradeWindDay({ start: clock.now() }) });
    return Array.from({ length: n }, () => {
      clock.advance(1000);
      return twin.render('0').trimEnd();
    });
  },
  nmea: (n) => {
    const clock = new ManualClock(Date.UTC(2026, 6, 1));
    const twin = new NmeaTwin({ clock, scenario: tradeWindDay({ start: clock.now() }) });
    const kinds: NmeaSentenceKind[] = ['MWV', 'MDA', 'XDR', 'MWV'];
    return Array.from({ length: n }, (_, i) => {
      clock.advance(1000);
      return twin.render(kinds[i % kinds.length]!).trimEnd();
    });
  },
  windsonic: (n) => {
    const clock = new ManualClock(Date.UTC(2026, 6, 1));
    const twin = new WindsonicTwin({ clock, scenario: tradeWindDay({ start: clock.now() }) });
    return Array.from({ length: n }, () => {
      clock.advance(1000);
      return twin.render().trimEnd();
    });
  },
  ptb: (n) => {
    const clock = new ManualClock(Date.UTC(2026, 6, 1));
    const plain = new PtbTwin({ clock, scenario: tradeWindDay({ start: clock.now() }) });
    const cs4 = new PtbTwin({ clock, scenario: tradeWindDay({ start: clock.now() }), checksum: 'CS4' });
    return Array.from({ length: n }, (_, i) => {
      clock.advance(1000);
      return (i % 2 ? cs4 : plain).render().trimEnd();
    });
  },
  rg15: (n) => {
    const clock = new ManualClock(Date.UTC(2026, 6, 1));
    const twin = new Rg15Twin({ clock, scenario: tradeWindDay({ start: clock.now() }) });
    return Array.from({ length: n }, () => {
      clock.advance(1000);
      return twin.render().trimEnd();
    });
  },
};

export function benchParse(n = 20_000): { parse_lines_per_s: Record<string, number> } {
  const rates: Record<string, number> = {};
  for (const [name, make] of Object.entries(INPUTS)) {
    const parser = LINE_PARSERS[name];
    if (!parser) throw new Error(`bench/parse.ts: no parser named ${name} in drivers/parsers.ts`);
    const lines = make(n);
    for (const l of lines.slice(0, 1000)) parser(l, { sensor: 'bench', ts: 0 }); // warm-up
    const t0 = process.hrtime.bigint();
    for (const l of lines) parser(l, { sensor: 'bench', ts: 0 });
    rates[name] = Math.round(lines.length / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  return { parse_lines_per_s: rates };
}
