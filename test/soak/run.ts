// `npm run soak`: the full soak, 30 simulated days (SOAK_DAYS) at SOAK_SPEED× (default 720:
// one simulated day in two real minutes, 30 days in about an hour). Prints progress on
// stderr, the report as the last stdout line, and writes it to SOAK_REPORT (default
// <temp folder>/soak-report.json); SOAK_LOG_DIR keeps the gateway's log outside the station's
// tmpfs, so it outlives the run. Exit code 1 when a check of test/soak/checks.ts fails.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { soakFailures } from './checks.ts';
import { runSoak } from './soak.ts';

const days = Number(process.env.SOAK_DAYS ?? 30);
const speed = Number(process.env.SOAK_SPEED ?? 720);
const dir = mkdtempSync(join(tmpdir(), 'bonin-soak-'));
const out = process.env.SOAK_REPORT ?? join(dir, 'soak-report.json');
process.stderr.write(`soak: ${days} simulated days at ${speed}× (about ${Math.round((days * 86_400) / speed / 60)} real minutes); folder ${dir}\n`);
const report = await runSoak({ days, speed, dir, tmpfsMb: 96, ...(process.env.SOAK_LOG_DIR ? { logDir: process.env.SOAK_LOG_DIR } : {}), ...(process.env.SOAK_SEED ? { seed: Number(process.env.SOAK_SEED) } : {}) });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
const failures = soakFailures(report);
for (const f of failures) process.stderr.write(`soak: FAILED ${f}\n`);
process.stderr.write(`soak: report in ${out}\n`);
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(failures.length ? 1 : 0);
