// Firmata 2.5 framing as StandardFirmata speaks it (protocols.md "Firmata"): MIDI-like
// 3-byte messages with 7-bit payloads, sysex F0 … F7. Builders for what the board sends and
// a splitter for what the host sends. No device behaviour here; see firmata.ts.

export const FIRMATA = {
  DIGITAL: 0x90, REPORT_ANALOG: 0xc0, REPORT_DIGITAL: 0xd0, ANALOG: 0xe0, PIN_MODE: 0xf4, SET_DIGITAL_PIN: 0xf5,
  START_SYSEX: 0xf0, END_SYSEX: 0xf7, REPORT_VERSION: 0xf9, SYSTEM_RESET: 0xff,
  FIRMWARE: 0x79, CAPABILITY_QUERY: 0x6b, CAPABILITY_RESPONSE: 0x6c, ANALOG_MAPPING_QUERY: 0x69, ANALOG_MAPPING_RESPONSE: 0x6a,
  SAMPLING_INTERVAL: 0x7a, I2C_CONFIG: 0x78, I2C_REQUEST: 0x76, I2C_REPLY: 0x77, PIN_STATE_QUERY: 0x6d,
} as const;

/** Pin modes (Firmata protocol). */
export const MODE = { INPUT: 0, OUTPUT: 1, ANALOG: 2, PWM: 3, I2C: 6, PULLUP: 0x0b } as const;

export const lsb = (v: number) => v & 0x7f;
export const msb = (v: number) => (v >> 7) & 0x7f;
/** Each byte as two 7-bit bytes, LSB first (firmware name, I²C data). */
export const sevenBitPairs = (bytes: number[]) => bytes.flatMap((b) => [lsb(b), msb(b)]);

export function reportVersion(major = 2, minor = 5): Buffer {
  return Buffer.from([FIRMATA.REPORT_VERSION, major, minor]);
}

export function firmwareReply(name: string, major = 2, minor = 5): Buffer {
  return Buffer.from([FIRMATA.START_SYSEX, FIRMATA.FIRMWARE, major, minor, ...sevenBitPairs([...Buffer.from(name, 'latin1')]), FIRMATA.END_SYSEX]);
}

export interface PinSpec {
  /** [mode, resolution] pairs the pin supports */
  modes: Array<[number, number]>;
  /** analog channel, if any */
  analog?: number;
}

export function capabilityResponse(pins: PinSpec[]): Buffer {
  return Buffer.from([FIRMATA.START_SYSEX, FIRMATA.CAPABILITY_RESPONSE, ...pins.flatMap((p) => [...p.modes.flat(), 0x7f]), FIRMATA.END_SYSEX]);
}

export function analogMappingResponse(pins: PinSpec[]): Buffer {
  return Buffer.from([FIRMATA.START_SYSEX, FIRMATA.ANALOG_MAPPING_RESPONSE, ...pins.map((p) => p.analog ?? 0x7f), FIRMATA.END_SYSEX]);
}

export function digitalPort(port: number, bits: number): Buffer {
  return Buffer.from([FIRMATA.DIGITAL | (port & 0x0f), lsb(bits), msb(bits) & 0x01]);
}

export function analogMessage(channel: number, value: number): Buffer {
  return Buffer.from([FIRMATA.ANALOG | (channel & 0x0f), lsb(value), msb(value)]);
}

export function i2cReply(address: number, register: number, data: number[]): Buffer {
  return Buffer.from([FIRMATA.START_SYSEX, FIRMATA.I2C_REPLY, lsb(address), msb(address), lsb(register), msb(register), ...sevenBitPairs(data), FIRMATA.END_SYSEX]);
}

/** One host message: a command byte and its data bytes (sysex: the bytes between F0 and F7). */
export interface HostMessage {
  command: number;
  data: number[];
}

/** Data bytes that follow each command (high nibble for channel messages). */
function dataLength(command: number): number {
  const hi = command & 0xf0;
  if (hi === 0x90 || hi === 0xe0) return 2;
  if (hi === 0xc0 || hi === 0xd0) return 1;
  if (command === FIRMATA.PIN_MODE || command === FIRMATA.SET_DIGITAL_PIN) return 2;
  return 0;
}

/** Splits the host's byte stream into messages, whatever the chunking; resyncs on junk. */
export class HostParser {
  private buf: number[] = [];

  push(bytes: Buffer): HostMessage[] {
    const out: HostMessage[] = [];
    for (const b of bytes) {
      if (b & 0x80 && b !== FIRMATA.END_SYSEX) {
        this.buf = [b]; // a status byte always starts a new message (an unfinished one is lost)
      } else if (this.buf.length === 0) {
        continue; // a data byte with no command: junk
      } else if (b === FIRMATA.END_SYSEX) {
        if (this.buf[0] === FIRMATA.START_SYSEX) out.push({ command: this.buf[1] ?? -1, data: this.buf.slice(2) });
        this.buf = [];
        continue;
      } else {
        this.buf.push(b);
      }
      const cmd = this.buf[0]!;
      if (cmd !== FIRMATA.START_SYSEX && this.buf.length === 1 + dataLength(cmd)) {
        out.push({ command: cmd, data: this.buf.slice(1) });
        this.buf = [];
      }
      if (this.buf.length > 4096) this.buf = []; // an unterminated sysex must not grow for ever
    }
    return out;
  }
}
