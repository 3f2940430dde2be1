// Two caches in mqtt-packet 9 (mqtt.js's encoder) that a gateway running for months must not
// keep growing. Found with heap snapshots of the soak's gateway at simulated days 3 and 6.5
// (docs/decisions.md, "Soak memory"):
//   - numbers.js `cache`: 65,536 two-byte Buffers, one per packet id, made at the first packet
//     (~5 MB of heap for good). mqtt.js's `writeCache: false` encodes ids as they come instead.
//   - writeToStream.js `varByteIntCache`: the encoded length of every distinct packet size under
//     16,384 bytes, kept forever, each a 4-byte slice of Node's shared 8 kB Buffer pool. A slice
//     keeps its whole pool alive, so each new size could pin 8 kB: 244 pools (2 MB) more in 3.5
//     simulated days, up to 16,384 × 8 kB in the end. With `Buffer.poolSize` 0 a small Buffer
//     has its own backing store: a cached length costs its 4 bytes and an object. The pool only
//     saves allocations for code making tens of thousands of small Buffers a second; the
//     gateway makes a few hundred.
import type { IClientOptions } from 'mqtt';

/** Options for every MQTT client the gateway makes. */
export const MQTT_MEMORY_OPTIONS: Pick<IClientOptions, 'writeCache'> = { writeCache: false };

/** Small Buffers get their own backing store from now on, in this process (see above). */
export function unpinSmallBuffers(): void {
  Buffer.poolSize = 0;
}
