// The local status page (#10 item 6) in a real headless Chromium (Debian's, driven by
// playwright-core) against a real running gateway (`bonin run` at 60×, the simulated
// WXT530 over a PTY, a real Mosquitto): the page loads, its live values change, the
// 24-hour plots render as SVG paths with points, and on a phone (390 × 844) nothing is wider
// than the screen. A screenshot is left in the temp folder named in the output.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { ScaledClock } from '../../core/index.ts';
import { freePort } from '../helpers/mosquitto.ts';
import { startRig } from '../helpers/station.ts';
import { waitFor } from '../helpers/wait.ts';

const BONIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/bonin.js');
const CHROMIUM = '/usr/bin/chromium';
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const exited = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));

async function getJson<T>(url: string): Promise<T | null> {
  try {
    const r = await fetch(url);
    return r.ok ? ((await r.json()) as T) : null;
  } catch {
    return null;
  }
}

async function browser(): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'bonin-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  cleanup.push(async () => {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  });
  return ctx;
}

describe.skipIf(!existsSync(CHROMIUM))('status page in headless Chromium', () => {
  it('loads from a running gateway, shows live values that change, renders the 24-hour plots, fits a phone', async () => {
    const clock = new ScaledClock({ speed: 60 });
    const rig = await startRig(clock);
    cleanup.push(() => rig.stop());
    const port = await freePort();
    writeFileSync(rig.configPath, JSON.stringify({ ...rig.config, status_page: { host: '127.0.0.1', port } }, null, 2));
    const gw = spawn(process.execPath, [BONIN, 'run', '--config', rig.configPath, '--clock', clock.toSpec()], { stdio: ['ignore', 'ignore', 'pipe'] });
    gw.stderr!.on('data', () => {});
    cleanup.push(async () => { gw.kill('SIGKILL'); await exited(gw); });
    const url = `http://127.0.0.1:${port}/`;

    // The page's data first: a few closed minutes, so the plots have points.
    type Series = { series: Array<{ quantity: string; sensors: Array<{ points: unknown[] }> }> };
    await waitFor('three closed minutes in /api/series', async () => ((await getJson<Series>(`${url}api/series`))?.series.find((s) => s.quantity === 'air_temperature')?.sensors[0]?.points.length ?? 0) >= 3, 90_000, 500);

    const ctx = await browser();
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    const external: string[] = [];
    page.on('request', (r) => { if (!r.url().startsWith(url)) external.push(r.url()); });
    await page.goto(url);
    expect(await page.locator('h1').innerText()).toContain('TEST-47971');

    // Live values: the wind speed as shown, and again after the page polled /api/status a few times.
    const wind = page.locator('#readings [data-q="wind_speed"]');
    await wind.waitFor({ timeout: 30_000 });
    const seen = new Set<string>([await wind.innerText()]);
    const clockLine = await page.locator('#clock').innerText();
    await waitFor('the shown wind speed to change', async () => { seen.add(await wind.innerText()); return seen.size >= 2; }, 60_000, 500);
    await waitFor('the shown station clock to move', async () => (await page.locator('#clock').innerText()) !== clockLine, 30_000, 500);
    expect(await page.locator('#readings .flag').first().innerText()).toMatch(/good|suspect|bad|missing|not checked/);
    expect(await page.locator('#sensors').innerText()).toContain('wxt530');
    expect(await page.locator('#link').innerText()).toContain('Satellite link');

    // The plots: one SVG per quantity, each with a path through several points.
    // (a closing 10-minute period turns its minutes into one point, so the count is waited for, the page re-plotting as it does every minute)
    const path = page.locator('svg[data-q="air_temperature"] path').first();
    await path.waitFor({ timeout: 30_000 });
    const points = async () => ((await path.getAttribute('d')) ?? '').match(/[ML][\d.]+ [\d.]+/g) ?? [];
    await waitFor('a plotted path through 3 points', async () => {
      if ((await points()).length >= 3) return true;
      await page.evaluate(() => (window as unknown as { series(): Promise<void> }).series());
      return false;
    }, 60_000, 1000);
    expect((await points()).length).toBeGreaterThanOrEqual(3);
    expect(await page.locator('#plots svg').count()).toBeGreaterThanOrEqual(4);
    const box = await page.locator('svg[data-q="air_temperature"]').boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThan(100);

    // A phone: nothing wider than the screen, type large enough to read.
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth, widest: Math.max(...[...document.querySelectorAll('body *')].map((e) => e.getBoundingClientRect().right)) }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    expect(widths.widest).toBeLessThanOrEqual(widths.client + 0.5);
    const valueFontPx = await wind.evaluate((e) => parseFloat(getComputedStyle(e.parentElement!).fontSize));
    expect(valueFontPx).toBeGreaterThanOrEqual(20);

    const shots = mkdtempSync(join(tmpdir(), 'bonin-status-page-'));
    await page.screenshot({ path: join(shots, 'phone.png'), fullPage: true });
    console.log(`status page screenshot: ${join(shots, 'phone.png')}`);

    // Read-only: anything but GET/HEAD is refused; nothing came from outside the station.
    expect((await fetch(url, { method: 'POST', body: 'x' })).status).toBe(405);
    // OpenMetrics from the health snapshot (gateway/health/), on the same port.
    const metrics = await fetch(`${url}metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/openmetrics-text/);
    expect(await metrics.text()).toMatch(/^bonin_uptime_seconds\{station="TEST-47971"\} \d+/m);
    expect(await page.locator('#clock').innerText()).toMatch(/synchronised/);
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
  }, 5 * 60_000);
});
