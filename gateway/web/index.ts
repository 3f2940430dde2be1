// The status page as the daemon and the demo start it: the station file's status_page
// settings, the gateway's live state, the log file's counters, and — from the health work
// (gateway/health/) — the clock's synchronisation state and /metrics in OpenMetrics.
import type { Clock } from '../../core/index.ts';
import type { StationConfig } from '../config/schema.ts';
import { healthSnapshot, OPENMETRICS_CONTENT_TYPE, renderOpenMetrics, startMetricsServer, type HealthSource } from '../health/index.ts';
import { logFileStats, type Logger } from '../log.ts';
import type { ClockState } from '../time/sync.ts';
import { startStatusPage, type StatusPage } from './server.ts';
import type { StatusSource } from './status.ts';

export type { StatusPage } from './server.ts';

/** The clock line of the page, in a technician's words. */
export function clockWords(c: ClockState): { state: string; detail: string } {
  if (c.synchronised) return { state: 'synchronised', detail: `by ${c.source ?? 'the system'}${c.since !== null ? ` since ${new Date(c.since).toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''}` };
  return { state: 'NOT synchronised', detail: 'readings are flagged time-uncertain until a time source (NTP, GNSS, the central system) gives the time' };
}

/**
 * The page with /metrics on status_page's host and port; with the page off (`enabled: false`),
 * /metrics alone there (gateway/health/server.ts), so a monitoring system still reads the
 * station. Resolves null (after logging why) when it cannot listen.
 */
export async function startGatewayStatusPage(gateway: StatusSource & { readonly config: StationConfig }, clock: Clock, log: Logger, overrides: Partial<StationConfig['status_page']> = {}): Promise<Pick<StatusPage, 'url' | 'close'> | null> {
  const sp = { ...gateway.config.status_page, ...overrides };
  // The health snapshot needs the gateway's TimeSync; a gateway without one serves the page without /metrics.
  const hs = 'time' in gateway && 'startedMono' in gateway ? (gateway as unknown as HealthSource) : null;
  if (!sp.enabled) {
    if (!hs) return null;
    try {
      const m = await startMetricsServer({ host: sp.host, port: sp.port, snapshot: () => healthSnapshot(hs) });
      log.info({ host: sp.host, url: m.url }, 'metrics: listening (the status page is off)');
      return m;
    } catch (err) {
      log.error({ err: (err as Error).message, host: sp.host, port: sp.port }, 'metrics: cannot listen; the station runs on without /metrics');
      return null;
    }
  }
  return startStatusPage({
    gateway, clock: hs ? hs.time.clock : clock, log, host: sp.host, port: sp.port, logStats: () => logFileStats(log),
    ...(hs ? {
      clockState: () => clockWords(hs.time.state()),
      metrics: () => ({ contentType: OPENMETRICS_CONTENT_TYPE, body: renderOpenMetrics(healthSnapshot(hs)) }),
    } : {}),
  });
}
