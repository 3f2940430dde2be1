import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AnswersError, loadAnswers, resolveAnswers } from './answers.ts';
import { wigosProblem } from './site.ts';

const dir = mkdtempSync(join(tmpdir(), 'bonin-answers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const problems = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof AnswersError) return e.problems;
    throw e;
  }
  return [];
};

describe('answers file', () => {
  it('a Chichijima preset with a broker and a technician is complete', async () => {
    const a = await resolveAnswers({}, loadAnswers(file('ok.yaml', 'technician: K. Tanaka\nsite: chichijima\nuplink:\n  broker: mqtt://10.0.0.1:1883\n')));
    expect(a.station).toMatchObject({ id: '0-392-0-47971', name: 'Chichijima', elevation_m: 3, mast_heading_offset_deg: 0 });
    expect(a.self_test_s).toBe(20);
    expect(a.install_service).toBe(false);
  });

  it('flags win over the file', async () => {
    const a = await resolveAnswers({ station: { name: 'Omura' } }, loadAnswers(file('f.yaml', 'technician: A\nsite: chichijima\nstation: { name: Chichi }\nuplink: { broker: "mqtt://h:1" }\n')));
    expect(a.station.name).toBe('Omura');
  });

  it('a missing required answer names the key and how to give it', async () => {
    // Hahajima has no preset elevation or WIGOS id: the technician must give them.
    const p = await problems(resolveAnswers({}, loadAnswers(file('haha.yaml', 'technician: A\nsite: hahajima\nuplink: { broker: "mqtt://h:1" }\n'))));
    expect(p).toContainEqual(expect.stringMatching(/^missing answer station\.id: give --station-id/));
    expect(p).toContainEqual(expect.stringMatching(/^missing answer station\.elevation_m: give --elevation/));
    expect(p.some((x) => x.includes('station.latitude'))).toBe(false);
  });

  it('an unknown key, a wrong type or a bad URL is refused with its path', async () => {
    expect(() => loadAnswers(file('bad.yaml', 'technican: typo\n'))).toThrow(/technican|Unrecognized/);
    try {
      loadAnswers(file('bad2.yaml', 'station: { latitude: north }\nuplink: { broker: "http://x" }\n'));
      expect.unreachable();
    } catch (e) {
      const p = (e as AnswersError).problems.join('\n');
      expect(p).toMatch(/station\.latitude/);
      expect(p).toMatch(/uplink\.broker: must be a URL/);
    }
  });

  it('a station id that is not a WIGOS identifier is refused', async () => {
    const p = await problems(resolveAnswers({ station: { id: '47971' } }, { technician: 'A', site: 'chichijima', uplink: { broker: 'mqtt://h:1' } }));
    expect(p).toContainEqual(expect.stringMatching(/station\.id "47971": a WIGOS station identifier looks like/));
    expect(wigosProblem('0-392-0-47971')).toBeNull();
    expect(wigosProblem('0-20000-0-47971')).toBeNull();
    expect(wigosProblem('1-392-0-47971')).toMatch(/series must be 0/);
    expect(wigosProblem('0-70000-0-1')).toMatch(/above 65534/);
  });

  it('import needs the certificate and key; generate needs mqtts://', async () => {
    const base = { technician: 'A', site: 'chichijima' as const };
    expect(await problems(resolveAnswers({}, { ...base, uplink: { broker: 'mqtts://h:8883', tls: 'import' } }))).toEqual([
      expect.stringMatching(/missing answer uplink\.cert_file/), expect.stringMatching(/missing answer uplink\.key_file/),
    ]);
    expect(await problems(resolveAnswers({}, { ...base, uplink: { broker: 'mqtt://h:1883', tls: 'generate' } }))).toEqual([expect.stringMatching(/needs an mqtts:\/\/ broker/)]);
  });

  it('interactive: defaults are shown and kept on Enter, a typed value replaces them, a bad number is asked again', async () => {
    const asked: string[] = [];
    const typed: Record<string, string[]> = { 'Technician name': ['K. Sato'], 'Site preset (chichijima, hahajima, custom)': ['chichijima'], 'Central broker URL': ['mqtt://c:1883'], 'Mast heading offset: degrees clockwise from true north to the sensors\' north mark': ['east', '12'] };
    const a = await resolveAnswers({}, {}, async (q, d) => {
      asked.push(`${q} [${d ?? ''}]`);
      return typed[q]?.shift() ?? '';
    });
    expect(a.technician).toBe('K. Sato');
    expect(a.station.id).toBe('0-392-0-47971');
    expect(a.station.mast_heading_offset_deg).toBe(12);
    expect(asked).toContain('Station name [Chichijima]');
    expect(asked.filter((q) => q.startsWith('Mast heading')).length).toBe(2);
  });
});
