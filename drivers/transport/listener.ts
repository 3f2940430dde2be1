// A driver's hold on its transport: the data/open/close listeners attached on start and taken
// off on stop, in the order that matters. The 'error' listener goes on first and comes off
// last, after the close has finished, so an error raised while closing never throws out of an
// EventEmitter (the transport itself logs and reconnects). Shared by every driver family.
import type { Transport } from './types.ts';

export interface TransportHandlers {
  data(chunk: Buffer): void;
  open(): void;
  close(reason: string): void;
}

export class TransportListener {
  private readonly bound: { data: (c: Buffer) => void; open: () => void; close: (r: string) => void; error: () => void };

  constructor(private readonly transport: Transport, handlers: TransportHandlers) {
    this.bound = {
      data: (chunk) => handlers.data(chunk),
      open: () => handlers.open(),
      close: (reason) => handlers.close(reason),
      error: () => {}, // the transport logs and reconnects; listening keeps 'error' from throwing
    };
  }

  /** Listen, then open the link (or report it open at once when it already is). */
  attach(): void {
    const t = this.transport;
    t.on('error', this.bound.error);
    t.on('data', this.bound.data);
    t.on('open', this.bound.open);
    t.on('close', this.bound.close);
    if (t.isOpen) this.bound.open();
    else t.open();
  }

  /** Stop listening and close the link. */
  async detach(): Promise<void> {
    const t = this.transport;
    t.off('data', this.bound.data);
    t.off('open', this.bound.open);
    t.off('close', this.bound.close);
    await t.close();
    t.off('error', this.bound.error);
  }
}
