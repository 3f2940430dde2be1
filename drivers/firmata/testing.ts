// Test helpers for the Firmata driver (not a test file, so other folders' tests may use them):
// the board side of the StandardFirmata handshake, and hex capture lines to bytes.

const name = [...Buffer.from('StandardFirmata.ino')].flatMap((b) => [b & 0x7f, b >> 7]);
const pins = Array.from({ length: 20 }, (_, p) => [0, 1, 1, 1, 0x0b, 1, ...(p >= 14 ? [2, 10] : []), ...(p >= 18 ? [6, 1] : []), 0x7f]).flat();
/** REPORT_VERSION, firmware, capability and analog mapping of an Uno (serial-node.md "Firmata handshake"). */
export const UNO_HANDSHAKE = Buffer.from([
  0xf9, 2, 5, 0xf0, 0x79, 2, 5, ...name, 0xf7,
  0xf0, 0x6c, ...pins, 0xf7, 0xf0, 0x6a, ...Array.from({ length: 20 }, (_, p) => (p >= 14 ? p - 14 : 0x7f)), 0xf7,
]);

export function hexLines(text: string): Buffer[] {
  return text.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean).map((l) => Buffer.from(l.split(/\s+/).map((h) => {
    if (!/^[0-9a-f]{2}$/i.test(h)) throw new Error(`not a hex byte: "${h}" in "${l}"`);
    return parseInt(h, 16);
  })));
}

