// `bonin parse DRIVER [FILE]`: what a driver makes of a capture, one JSON object a line —
// an observation {line, quantity, value, unit, qc, sensor} or a refusal {line, rejected, reason}.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { unitOf } from '../../core/index.ts';
import { isRefusal, LINE_PARSERS } from '../../drivers/index.ts';

export async function runParse(driver: string, file: string | undefined, opts: { sensor: string }): Promise<void> {
  const parser = LINE_PARSERS[driver];
  if (!parser) {
    process.stderr.write(`bonin parse: unknown driver "${driver}"; one of: ${Object.keys(LINE_PARSERS).join(', ')}\n`);
    process.exit(2);
  }
  const input = file ? createReadStream(file) : process.stdin;
  input.on('error', (e: Error) => {
    process.stderr.write(`bonin parse: cannot read ${file}: ${e.message}\n`);
    process.exit(2);
  });
  let n = 0;
  const out: string[] = [];
  for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
    n++;
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) continue;
    const r = parser(line, { sensor: opts.sensor, ts: Date.now() });
    if (isRefusal(r)) {
      out.push(JSON.stringify({ line: n, rejected: true, reason: r.reason }));
      continue;
    }
    for (const o of r.observations) out.push(JSON.stringify({ line: n, quantity: o.quantity, value: o.value, unit: unitOf(o.quantity), qc: o.qc, sensor: o.sensor }));
    for (const rej of r.rejections) out.push(JSON.stringify({ line: n, rejected: true, reason: rej.reason }));
    if (out.length > 1000) process.stdout.write(`${out.splice(0).join('\n')}\n`);
  }
  if (out.length) process.stdout.write(`${out.join('\n')}\n`);
}
