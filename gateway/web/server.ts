// The local status page's HTTP server (node:http, no framework): GET only, on the station
// LAN (status_page.host/port). A page that cannot start (port taken) or a request that fails
// is logged and never stops the station: the page is a convenience, the data is the job.
//   /             the page (gateway/web/page.ts)
//   /api/status   live values, health, link, queue, clock, camera (JSON; polled every 5 s)
//   /api/series   24-hour plots from the store's aggregates (JSON; polled every 60 s)
//   /camera/latest.jpg  the newest camera thumbnail
//   /metrics      OpenMetrics (when the health renderer is wired in)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../core/index.ts';
import type { Logger } from '../log.ts';
import type { LogFileStats } from '../log-file.ts';
import { pageHtml } from './page.ts';
import { series24h } from './series.ts';
import { latestThumbnail, pageStatus, type ClockStateSource, type StatusSource } from './status.ts';

export interface StatusPageOptions {
  gateway: StatusSource;
  clock: Clock;
  log: Logger;
  host: string;
  port: number;
  /** the log file's counters, shown on the page */
  logStats?: () => LogFileStats | null;
  clockState?: ClockStateSource;
  /** OpenMetrics text and its content type; unset: /metrics answers 404 */
  metrics?: () => { contentType: string; body: string };
  /** extra fields merged into /api/status (e.g. the health snapshot) */
  extraStatus?: () => Record<string, unknown>;
}

export interface StatusPage {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the page; resolves null (after logging why) when it cannot listen. */
export async function startStatusPage(o: StatusPageOptions): Promise<StatusPage | null> {
  const html = pageHtml(o.gateway.config.station);
  const sensors = o.gateway.config.sensors.map((s) => s.id);
  const server: Server = createServer((req, res) => {
    try {
      route(req, res);
    } catch (err) {
      o.log.error({ err: (err as Error).message, url: req.url }, 'status page: request failed');
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error; the station goes on\n');
      else res.destroy();
    }
  });
  // A phone on the LAN, not the internet: few connections, short timeouts.
  server.maxConnections = 32;
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.keepAliveTimeout = 5_000;

  function route(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, 405, 'text/plain; charset=utf-8', 'read-only: the status page changes nothing on the station\n');
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/' || path === '/index.html') return send(res, 200, 'text/html; charset=utf-8', html);
    if (path === '/api/status') {
      const s = pageStatus(o.gateway, o.clock, { log: o.logStats?.() ?? null, ...(o.clockState ? { clockState: o.clockState } : {}) });
      return json(res, { ...s, ...o.extraStatus?.() });
    }
    if (path === '/api/series') {
      const now = o.clock.now();
      return json(res, { now, series: series24h(o.gateway.db, now, sensors) });
    }
    if (path === '/favicon.ico') { res.writeHead(204).end(); return; } // browsers ask; nothing to show
    if (path === '/camera/latest.jpg') {
      const jpg = latestThumbnail(o.gateway.db);
      return jpg ? send(res, 200, 'image/jpeg', jpg) : send(res, 404, 'text/plain; charset=utf-8', 'no camera frame\n');
    }
    if (path === '/metrics' && o.metrics) {
      const m = o.metrics();
      return send(res, 200, m.contentType, m.body);
    }
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  }

  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', (err) => {
      o.log.error({ err: err.message, host: o.host, port: o.port }, 'status page: cannot listen; the station runs without it');
      resolve(false);
    });
    server.listen(o.port, o.host, () => resolve(true));
  });
  if (!ok) return null;
  server.on('error', (err) => o.log.error({ err: err.message }, 'status page: server error'));
  const port = (server.address() as AddressInfo).port;
  const shown = o.host === '0.0.0.0' || o.host === '::' ? 'this-station' : o.host;
  const url = `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}/`;
  o.log.info({ host: o.host, port, url }, 'status page: listening');
  return {
    url,
    port,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

function send(res: ServerResponse, code: number, type: string, body: string | Buffer): void {
  res.writeHead(code, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

function json(res: ServerResponse, body: unknown): void {
  send(res, 200, 'application/json; charset=utf-8', JSON.stringify(body));
}
