// Station health (issue #10 part 2): one snapshot, three readers — the retained status
// message, the OpenMetrics page, the local status page (gateway/web/). docs/health.md.
export { healthSnapshot, type HealthSnapshot, type HealthSource, type SensorHealthSnapshot } from './snapshot.ts';
export { renderOpenMetrics, metricFamilies, OPENMETRICS_CONTENT_TYPE } from './openmetrics.ts';
export { statusBody, type StatusBody } from './status.ts';
export { startMetricsServer, type MetricsServer } from './server.ts';
