// Node/V8 flags the station's daemon runs with (the systemd unit, the soak, and the
// benchmarks that measure the station's memory). The `bonin` shebang and `npm start` carry
// the first one only: every verb runs through them, and `bonin train` needs a bigger heap.
//
// --max-semi-space-size=2 (MB): V8 grows its young generation up to 16 MB per semi-space on a
// 64-bit machine when a burst allocates a lot (a model test-run, a backlog drain), and keeps
// those pages. Measured with the nowcast bench (5,000 inferences): RSS 163.6 MB by default,
// 133.7 MB with 2 MB semi-spaces, the same p50 (0.08 ms). A station's bursts are small; the
// extra minor GCs cost less than the 30 MB a Raspberry-Pi-class board does not have.
//
// --max-old-space-size=96 (MB): on a machine with memory to spare V8 lets the old generation
// grow far past what the gateway keeps alive before it collects. Measured with the soak at
// 864× (test/soak/, 3 simulated days, nowcast off): RSS reached 298 MB without the flag, at
// most 159 MB with it; the live heap after a full GC was 33 MB (heap snapshot at day 1.5).
// Only the daemon gets it (the unit, the soak, the station bench): `bonin train` needs more.
export const STATION_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--max-old-space-size=96'];
