// The link of each virtual station to the broker, which the fleet can cut: a loopback TCP
// pass-through per station (its own port, so a station is known without reading MQTT).
// Down: every open connection is cut and new ones are refused, as when a station's modem
// or its island's satellite terminal dies; up: connections pass again. No bandwidth
// shaping here (hw-sim/link/satellite-link.ts does that for one station): at fleet scale
// the question is how many stations come back at once, not how fast one link is.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

interface Gate { server: Server; down: boolean; sockets: Set<Socket> }

export class LinkGates {
  private readonly gates = new Map<string, Gate>();
  readonly stats = { connections: 0, refused: 0, cuts: 0 };

  constructor(private readonly target: { host: string; port: number }) {}

  /** Open the gate of one station; resolves to the URL its uplink connects to. */
  async open(id: string): Promise<string> {
    const gate: Gate = { server: createServer((s) => this.accept(gate, s)), down: false, sockets: new Set() };
    this.gates.set(id, gate);
    await new Promise<void>((resolve, reject) => {
      gate.server.once('error', reject);
      gate.server.listen(0, '127.0.0.1', () => resolve());
    });
    return `mqtt://127.0.0.1:${(gate.server.address() as { port: number }).port}`;
  }

  private accept(gate: Gate, down: Socket): void {
    if (gate.down) {
      this.stats.refused++;
      down.destroy();
      return;
    }
    this.stats.connections++;
    const up = createConnection(this.target);
    for (const s of [down, up]) {
      gate.sockets.add(s);
      s.setNoDelay(true);
      s.on('error', () => { down.destroy(); up.destroy(); });
      s.on('close', () => { gate.sockets.delete(s); (s === down ? up : down).destroy(); });
    }
    down.pipe(up);
    up.pipe(down);
  }

  isDown(id: string): boolean {
    return this.gates.get(id)?.down ?? false;
  }

  /** Cut (true) or restore (false) one station's link. Returns whether it changed. */
  setDown(id: string, down: boolean): boolean {
    const gate = this.gates.get(id);
    if (!gate || gate.down === down) return false;
    gate.down = down;
    if (down && gate.sockets.size) {
      this.stats.cuts++;
      for (const s of gate.sockets) s.destroy();
    }
    return true;
  }

  async close(): Promise<void> {
    await Promise.all([...this.gates.values()].map((g) => {
      for (const s of g.sockets) s.destroy();
      return new Promise<void>((resolve) => g.server.close(() => resolve()));
    }));
    this.gates.clear();
  }
}
