import { describe, expect, it } from 'vitest';
import { LineFramer } from './lines.ts';

describe('LineFramer', () => {
  it('splits CR LF lines across arbitrary chunk boundaries', () => {
    const f = new LineFramer();
    const input = '0R1,Dm=283D\r\n0R2,Ta=23.6C\r\n';
    const lines: string[] = [];
    for (const ch of input) lines.push(...f.push(Buffer.from(ch, 'latin1')).lines);
    expect(lines).toEqual(['0R1,Dm=283D', '0R2,Ta=23.6C']);
    expect(f.pending).toBe(0);
  });
  it('tolerates LF-only lines and keeps empty lines as empty strings', () => {
    const f = new LineFramer();
    expect(f.push('a\nb\r\n\r\n').lines).toEqual(['a', 'b', '']);
  });
  it('keeps a partial line until its terminator arrives', () => {
    const f = new LineFramer();
    expect(f.push('0R2,Ta=2').lines).toEqual([]);
    expect(f.pending).toBe(8);
    expect(f.push('3.6C\r\n').lines).toEqual(['0R2,Ta=23.6C']);
  });
  it('drops an over-long run without a newline, then resumes at the next line', () => {
    const f = new LineFramer(16);
    const r1 = f.push('x'.repeat(40));
    expect(r1.lines).toEqual([]);
    expect(r1.overflows).toHaveLength(1);
    expect(f.pending).toBe(0); // memory does not grow
    expect(f.push('y'.repeat(1000)).overflows).toEqual([]); // still discarding, reported once
    expect(f.pending).toBe(0);
    expect(f.push('zz\r\n0R1,Sm=1.0M\r\n').lines).toEqual(['0R1,Sm=1.0M']);
  });
  it('an over-long line that ends in the same chunk is dropped and the next one kept', () => {
    const f = new LineFramer(8);
    const r = f.push('0123456789abc\r\nok\r\n');
    expect(r.overflows).toHaveLength(1);
    expect(r.lines).toEqual(['ok']);
  });
  it('reset forgets a torn line', () => {
    const f = new LineFramer();
    f.push('0R1,Dm=2');
    f.reset();
    expect(f.push('0R2,Ta=1.0C\r\n').lines).toEqual(['0R2,Ta=1.0C']);
  });
  it('passes every byte value through as one char', () => {
    const f = new LineFramer();
    expect(f.push(Buffer.from([0x00, 0xff, 0x30, 0x0d, 0x0a])).lines).toEqual(['\u0000\u00ff0']);
  });
});
