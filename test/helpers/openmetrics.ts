// A strict reader of the OpenMetrics text format for tests (gateway/health/openmetrics.ts):
// it throws on anything the specification does not allow in what Bonin renders.
/** A strict reader of the OpenMetrics text format: throws on anything the spec does not allow here. */
export function parseOpenMetrics(text: string) {
  if (!text.endsWith('# EOF\n')) throw new Error('does not end with "# EOF\\n"');
  const lines = text.slice(0, -'# EOF\n'.length).split('\n').filter((l, i, a) => !(i === a.length - 1 && l === ''));
  const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
  const families = new Map<string, { type: string; unit?: string; help?: string; samples: Array<{ name: string; labels: Record<string, string>; value: number }> }>();
  let current: string | null = null;
  for (const line of lines) {
    const meta = /^# (TYPE|UNIT|HELP) (\S+) (.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`bad metric name ${name}`);
      if (kind === 'TYPE') {
        if (families.has(name)) throw new Error(`family ${name} declared twice`);
        if (!['gauge', 'counter', 'info', 'stateset', 'histogram', 'summary', 'unknown', 'gaugehistogram'].includes(rest)) throw new Error(`bad type ${rest}`);
        if (rest === 'counter' && name.endsWith('_total')) throw new Error(`counter family ${name} must not end in _total`);
        families.set(name, { type: rest, samples: [] });
        current = name;
      } else {
        if (current !== name) throw new Error(`${kind} for ${name} outside its family`);
        const f = families.get(name)!;
        if (f.samples.length) throw new Error(`${kind} for ${name} after its samples`);
        if (kind === 'UNIT') {
          if (!name.endsWith(`_${rest}`)) throw new Error(`family ${name} does not end with its unit ${rest}`);
          f.unit = rest;
        } else f.help = rest;
      }
      continue;
    }
    if (line.startsWith('#')) throw new Error(`unexpected comment: ${line}`);
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`bad sample line: ${line}`);
    const [, name, labelText, valueText] = m as unknown as [string, string, string | undefined, string];
    if (!current) throw new Error(`sample ${name} before any TYPE`);
    const f = families.get(current)!;
    const want = f.type === 'counter' ? `${current}_total` : f.type === 'info' ? `${current}_info` : current;
    if (name !== want) throw new Error(`sample ${name} in family ${current} (${f.type}) should be ${want}`);
    const labels: Record<string, string> = {};
    if (labelText) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/gy;
      let pos = 0;
      while (pos < labelText.length) {
        re.lastIndex = pos;
        const l = re.exec(labelText);
        if (!l) throw new Error(`bad labels: ${labelText}`);
        labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
        pos = re.lastIndex;
      }
    }
    const value = valueText === 'NaN' ? NaN : valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    if (!/^[-+]?(\d+\.?\d*(e[-+]?\d+)?|NaN|Inf)$/i.test(valueText) || (Number.isNaN(value) && valueText !== 'NaN')) throw new Error(`bad value ${valueText}`);
    f.samples.push({ name, labels, value });
  }
  for (const [name, f] of families) if (!f.help) throw new Error(`family ${name} has no HELP`);
  return families;
}

