// The WXT530's NMEA 0183 v3.0 output (aXU,M=N automatic, M=Q query): the same fields as the
// ASCII messages, as XDR transducer quadruplets `type,value,unit,id` with ids counted from the
// device address (WXT530 User Guide M211840EN, transducer ID table and XDR examples, e.g. the
// rain sentence `$WIXDR,V,0.02,M,0,Z,30,s,0,R,2.7,M,0,…*51`).
import { xorChecksum } from '../../core/checksums.ts';
import type { Field } from './wxt530-format.ts';

// ASCII field → XDR type, id offset from the address, unit letter.
const XDR: Record<string, { type: string; id: number; unit?: string }> = {
  Dn: { type: 'A', id: 0 }, Dm: { type: 'A', id: 1 }, Dx: { type: 'A', id: 2 },
  Sn: { type: 'S', id: 0 }, Sm: { type: 'S', id: 1 }, Sx: { type: 'S', id: 2 },
  Ta: { type: 'C', id: 0 }, Ua: { type: 'H', id: 0 }, Pa: { type: 'P', id: 0 },
  Rc: { type: 'V', id: 0 }, Rd: { type: 'Z', id: 0 }, Ri: { type: 'R', id: 0 },
  Hc: { type: 'V', id: 1 }, Hd: { type: 'Z', id: 1 }, Hi: { type: 'R', id: 1 },
  Th: { type: 'C', id: 2 }, Vs: { type: 'U', id: 0 }, Vh: { type: 'U', id: 1 }, Vr: { type: 'U', id: 2 },
};

/** Transducer id of the address: 0–9, A = 10 …, a = 36 … (the manual's rule). */
function base(address: string): number {
  if (/^[0-9]$/.test(address)) return Number(address);
  return /^[A-Z]$/.test(address) ? 10 + address.charCodeAt(0) - 65 : 36 + address.charCodeAt(0) - 97;
}

/** One `$WIXDR` sentence with checksum and CR LF; an invalid field (`#`) is sent empty. */
export function xdrSentence(address: string, fields: Field[]): string {
  const quads: string[] = [];
  for (const f of fields) {
    const x = Object.hasOwn(XDR, f.name) ? XDR[f.name]! : undefined;
    if (!x) continue;
    // The ASCII unit letters are the XDR ones (D, M, C, P, H, s) except PTU humidity (P) and voltages (V, N).
    const unit = f.name === 'Ua' ? 'P' : f.unit === '#' ? '' : f.unit;
    quads.push(`${x.type},${f.unit === '#' ? '' : f.value},${unit},${base(address) + x.id}`);
  }
  const body = `WIXDR,${quads.join(',')}`;
  return `$${body}*${xorChecksum(body)}\r\n`;
}

/** The WXT's NMEA query of all XDR data, as the manual prints it. */
export const XDR_QUERY = '$--WIQ,XDR*2D';
