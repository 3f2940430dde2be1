// The part of firmata-io 2.3 (no types of its own) that the driver and probe use.
declare module 'firmata-io' {
  import type { EventEmitter } from 'node:events';

  /** Anything with write(bytes, cb) that emits 'data', 'open', 'close', 'error'. */
  export interface FirmataTransport extends EventEmitter {
    write(data: Buffer, cb?: (err?: Error | null) => void): unknown;
  }

  export class Firmata extends EventEmitter {
    constructor(transport: FirmataTransport, options?: { reportVersionTimeout?: number; skipCapabilities?: boolean; samplingInterval?: number });
    isReady: boolean;
    firmware: { name: string; version: { major: number; minor: number } };
    MODES: { INPUT: number; OUTPUT: number; ANALOG: number; PWM: number; I2C: number; PULLUP: number };
    pinMode(pin: number, mode: number): this;
    digitalRead(pin: number, cb: (value: number) => void): void;
    analogRead(pin: number, cb: (value: number) => void): void;
    reportDigitalPin(pin: number, value: 0 | 1): void;
    reportAnalogPin(pin: number, value: 0 | 1): void;
    i2cConfig(options?: number | { delay: number }): this;
    i2cWrite(address: number, register: number, bytes: number[]): this;
    i2cReadOnce(address: number, register: number, bytes: number, cb: (data: number[]) => void): this;
    i2cRead(address: number, register: number, bytes: number, cb: (data: number[]) => void): this;
    i2cStop(address: number): void;
    /** SAMPLING_INTERVAL (ms, 10–65535): how often the board reports analog pins and continuous I²C reads. */
    setSamplingInterval(ms: number): void;
  }

  const bindTransport: ((transport: unknown) => typeof Firmata) & { Firmata: typeof Firmata };
  export default bindTransport;
}
