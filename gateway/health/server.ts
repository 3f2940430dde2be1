// A tiny standalone /metrics endpoint, for a station whose status page (gateway/web/) is off:
// GET /metrics answers the OpenMetrics text of a fresh snapshot; anything else is 404.
import { createServer, type Server } from 'node:http';
import { OPENMETRICS_CONTENT_TYPE, renderOpenMetrics } from './openmetrics.ts';
import type { HealthSnapshot } from './snapshot.ts';

export interface MetricsServer {
  /** the URL of /metrics (with the port actually bound, when 0 was asked) */
  url: string;
  close(): Promise<void>;
}

export function startMetricsServer(o: { host: string; port: number; snapshot: () => HealthSnapshot }): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
      return;
    }
    try {
      const body = renderOpenMetrics(o.snapshot());
      res.writeHead(200, { 'content-type': OPENMETRICS_CONTENT_TYPE, 'cache-control': 'no-store' }).end(body);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`health snapshot failed: ${(err as Error).message}\n`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      const a = server.address() as { port: number };
      const host = o.host.includes(':') ? `[${o.host}]` : o.host;
      resolve({ url: `http://${host}:${a.port}/metrics`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}
