// Every sensor family the gateway knows. Add a family: write `<family>.ts` beside this file
// (a SensorFamily) and list it here; the station file schema and the pipeline follow.
import { wxt530 } from './wxt530.ts';
import { nmea } from './nmea.ts';
import { windsonic } from './windsonic.ts';
import { ptb330, ptb210 } from './ptb.ts';
import { rg15 } from './rg15.ts';
import { firmata } from './firmata.ts';
import type { SensorFamily } from './types.ts';

export const SENSOR_FAMILIES: readonly SensorFamily[] = [wxt530, nmea, windsonic, ptb330, ptb210, rg15, firmata] as unknown as SensorFamily[];
/** The same families' entry schemas, as a tuple zod's discriminated union can type. */
export const SENSOR_SCHEMAS = [wxt530.schema, nmea.schema, windsonic.schema, ptb330.schema, ptb210.schema, rg15.schema, firmata.schema] as const;

export type { SensorFamily, SensorDeps } from './types.ts';

export function sensorFamily(type: string): SensorFamily {
  const f = SENSOR_FAMILIES.find((x) => x.type === type);
  if (!f) throw new Error(`unknown sensor type ${type}`); // the config schema refuses it first
  return f;
}
