// Every port the board has (serialport's list) plus the ones given by hand (PTYs and
// by-id links are not listed; tcp:// serial device servers never are), each identified by
// identify.ts, a few at a time: each port is opened by one probe at a time and released after.
import { realpathSync } from 'node:fs';
import { SerialPort } from 'serialport';
import type { Clock } from '../../core/index.ts';
import { identifyPort, type Finding, type IdentifyOptions } from './identify.ts';

export interface ScanOptions extends IdentifyOptions {
  /** ports given with --port (device paths or tcp://host:port) */
  ports: readonly string[];
  /** also list the system's serial ports (default true) */
  listSystem?: boolean;
  /** ports probed at the same time, at most */
  parallel?: number;
  onProgress?: (msg: string) => void;
}

export interface ScanResult {
  findings: Finding[];
  startedAt: number;
  durationMs: number;
}

/** The system's serial ports; an error (no /dev/serial, no udev) is an empty list, not a failure. */
export async function systemPorts(): Promise<string[]> {
  try {
    return (await SerialPort.list()).map((p) => p.path);
  } catch {
    return [];
  }
}

/** One entry per device: a by-id link and its /dev/ttyUSB0 target are one port (the link kept: it is stable). */
export function uniquePorts(ports: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const p of ports) {
    let key = p;
    if (!p.startsWith('tcp://')) {
      try {
        key = realpathSync(p);
      } catch {
        key = p;
      }
    }
    const had = seen.get(key);
    if (!had || (had === key && p !== key)) seen.set(key, p);
  }
  return [...seen.values()];
}

/** Run `f` over `items`, at most `limit` at a time, results in the items' order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function scanPorts(o: ScanOptions, clock: Clock): Promise<ScanResult> {
  const startedAt = clock.now();
  const ports = uniquePorts([...(o.listSystem === false ? [] : await systemPorts()), ...o.ports]);
  const findings = await mapBounded(ports, Math.max(1, o.parallel ?? 4), async (port) => {
    o.onProgress?.(`scanning ${port}…`);
    let f: Finding;
    try {
      f = await identifyPort(port, o);
    } catch (e) {
      f = { port, status: 'error', identity: {}, confidence: 0, evidence: [`probe failed: ${(e as Error).message}`] };
    }
    o.onProgress?.(`${port}: ${f.status === 'identified' ? `${f.identity.model ?? f.type}${f.baud ? ` at ${f.baud} baud` : ''} (confidence ${f.confidence})` : f.status}`);
    return f;
  });
  return { findings, startedAt, durationMs: clock.now() - startedAt };
}
