// The status page as the daemon and the demo start it: the station file's status_page
// settings, the gateway's live state and the log file's counters.
import type { Clock } from '../../core/index.ts';
import type { StationConfig } from '../config/schema.ts';
import { logFileStats, type Logger } from '../log.ts';
import { startStatusPage, type StatusPage } from './server.ts';
import type { StatusSource } from './status.ts';

export type { StatusPage } from './server.ts';

export async function startGatewayStatusPage(gateway: StatusSource & { readonly config: StationConfig }, clock: Clock, log: Logger, overrides: Partial<StationConfig['status_page']> = {}): Promise<StatusPage | null> {
  const sp = { ...gateway.config.status_page, ...overrides };
  if (!sp.enabled) return null;
  return startStatusPage({ gateway, clock, log, host: sp.host, port: sp.port, logStats: () => logFileStats(log) });
}
