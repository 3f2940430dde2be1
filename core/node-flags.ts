// Node/V8 flags the station's process runs with (the `bonin` shebang, `npm start`, the
// systemd unit, and the benchmarks that measure the station's memory).
//
// --max-semi-space-size=2 (MB): V8 grows its young generation up to 16 MB per semi-space on a
// 64-bit machine when a burst allocates a lot (a model test-run, a backlog drain), and keeps
// those pages. Measured with the nowcast bench (5,000 inferences): RSS 163.6 MB by default,
// 133.7 MB with 2 MB semi-spaces, the same p50 (0.08 ms). A station's bursts are small; the
// extra minor GCs cost less than the 30 MB a Raspberry-Pi-class board does not have.
export const STATION_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];
