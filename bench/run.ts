// `npm run bench`: every benchmark; prints one JSON object of named figures as its last
// line and writes it to bench/results.json. Later issues add their figures here.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchAggregate } from './aggregate.ts';
import { benchIngest } from './ingest.ts';
import { benchParse } from './parse.ts';
import { benchWire } from './wire.ts';

const results: Record<string, unknown> = {
  machine: { node: process.version, platform: `${process.platform}-${process.arch}`, when: new Date().toISOString() },
  ...benchIngest(),
  ...benchAggregate(),
  ...benchParse(),
  ...benchWire(),
  ...(await (await import('./wire.ts')).benchDrain()),
  ...(await import('./nowcast.ts')).benchNowcast(),
  ...(await (await import('./firmata.ts')).benchFirmata()),
  ...(await import('./camera.ts')).benchCamera(),
  ...(await (await import('./onvif.ts')).benchOnvif()),
  ...(await (await import('./fleet.ts')).benchFleet()),
  ...(await (await import('./station.ts')).benchStation()),
  // the same station in a gale: the camera in severe-weather snapshots all along (the SD goal holds in storms too)
  ...(await (await import('./station.ts')).benchStationGale()),
  ...(await import('./health.ts')).benchHealth(),
};
writeFileSync(join(dirname(fileURLToPath(import.meta.url)), 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(results)}\n`);
