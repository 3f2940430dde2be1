// Checksums of the device protocols (../shared/docs/protocols.md). They live in core because
// both ends of the wire need them: drivers to verify, hw-sim twins to produce.

/** Vaisala WXT CRC-16 (poly 0xA001, init 0) over `text` (address up to, not including, CR), as 3 printable characters. */
export function vaisalaCrc(text: string): string {
  let crc = 0;
  for (const b of Buffer.from(text, 'latin1')) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >> 1) ^ 0xa001 : crc >> 1;
  }
  return String.fromCharCode(0x40 | (crc >> 12), 0x40 | ((crc >> 6) & 0x3f), 0x40 | (crc & 0x3f));
}

/** XOR of the bytes of `text`, as two upper-case hex digits (NMEA 0183 between `$` and `*`; Gill between STX and ETX). */
export function xorChecksum(text: string): string {
  let x = 0;
  for (const b of Buffer.from(text, 'latin1')) x ^= b;
  return x.toString(16).toUpperCase().padStart(2, '0');
}

/** Sum of the bytes of `text` modulo 256 (2 hex digits) or 65536 (4): Vaisala FORM `CS2`/`CS4` (PTB330 User's Guide, FORM modifiers). */
export function sumChecksum(text: string, digits: 2 | 4): string {
  let s = 0;
  for (const b of Buffer.from(text, 'latin1')) s += b;
  return (s % (digits === 2 ? 256 : 65536)).toString(16).toUpperCase().padStart(digits, '0');
}
