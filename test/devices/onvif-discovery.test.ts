// Camera discovery over real multicast: node-onvif's WS-Discovery probe (239.255.255.250:3702)
// finds two simulated cameras by name. Multicast never leaves a network namespace this test
// creates (loopback up, a 224.0.0.0/4 route on lo); the cameras and the prober are separate
// processes inside it. Needs root and iproute2 (`ip netns`); skipped with a message otherwise.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HERE = fileURLToPath(new URL('./onvif/', import.meta.url));
const NS = `bonin-onvif-${process.pid}-${randomBytes(3).toString('hex')}`;

function whyNoNetns(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (ip netns add needs CAP_SYS_ADMIN)';
  if (spawnSync('ip', ['-V']).status !== 0) return 'no `ip` command (apt-get install iproute2)';
  return null;
}
const skipWhy = whyNoNetns();
if (skipWhy) console.warn(`onvif-discovery.test.ts: multicast discovery test SKIPPED: ${skipWhy}`);

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.status}`}`);
}

const children: ChildProcess[] = [];

/** Start a tsx script inside the namespace; resolve with its first stdout line (JSON). */
function runInNs(script: string, args: string[], timeoutMs: number): { child: ChildProcess; firstLine: Promise<Record<string, unknown>> } {
  const child = spawn('ip', ['netns', 'exec', NS, process.execPath, '--import', 'tsx', `${HERE}${script}`, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  const firstLine = new Promise<Record<string, unknown>>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${script}: no output within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`)), timeoutMs);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(t);
        try {
          resolve(JSON.parse(out.slice(0, nl)) as Record<string, unknown>);
        } catch {
          reject(new Error(`${script}: not JSON: ${out.slice(0, nl)}; stderr: ${err.slice(-2000)}`));
        }
      }
    });
    child.on('exit', (code) => {
      clearTimeout(t);
      if (out.indexOf('\n') < 0) reject(new Error(`${script} exited ${code} without output; stderr: ${err.slice(-2000)}`));
    });
  });
  return { child, firstLine };
}

describe.skipIf(skipWhy !== null)('ONVIF discovery over multicast in a network namespace (needs root and iproute2)', () => {
  beforeAll(() => {
    ip('netns', 'add', NS);
    ip('-n', NS, 'link', 'set', 'lo', 'up');
    ip('-n', NS, 'route', 'add', '224.0.0.0/4', 'dev', 'lo');
  });

  afterAll(async () => {
    for (const c of children) {
      if (c.exitCode === null && c.signalCode === null) {
        c.kill('SIGTERM');
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => { c.kill('SIGKILL'); resolve(); }, 5000);
          c.once('exit', () => { clearTimeout(t); resolve(); });
        });
      }
    }
    spawnSync('ip', ['netns', 'delete', NS]);
  });

  it('discoverCameras finds both cameras with their names, models and reachable XAddrs', async () => {
    const specs = [
      { name: 'Chichijima east', user: 'admin', password: 'kaze2026', model: 'SkyCam-200' },
      { name: 'Chichijima west', user: 'admin', password: 'kaze2026', model: 'SkyCam-210' },
    ];
    const cams = runInNs('cameras.ts', [JSON.stringify(specs)], 60_000);
    const ready = await cams.firstLine;
    expect(ready.error).toBeUndefined();
    const started = ready.ready as Array<{ name: string; xaddr: string; urn: string }>;
    expect(started).toHaveLength(2);

    const probe = runInNs('discover.ts', ['3000', 'admin', 'kaze2026'], 90_000);
    const result = await probe.firstLine;
    expect(result.error).toBeUndefined();
    const found = result.found as Array<{ urn: string; xaddr: string; name: string; hardware: string; address: string }>;
    expect(found.map((f) => f.name)).toEqual(['Chichijima east', 'Chichijima west']);
    expect(found.map((f) => f.hardware)).toEqual(['SkyCam-200', 'SkyCam-210']);
    for (const f of found) {
      const s = started.find((x) => x.name === f.name)!;
      expect(f).toMatchObject({ urn: s.urn, xaddr: s.xaddr, address: '127.0.0.1' });
    }
    // The announced XAddrs work: node-onvif initialised each camera through them.
    expect(result.models).toEqual(['SkyCam-200', 'SkyCam-210']);
  }, 180_000);
});
