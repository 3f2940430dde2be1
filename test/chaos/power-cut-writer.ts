// The victim of the power-cut case: commits a large backlog into the station store, one
// transaction of 60 ten-minute batches (600 minutes) after another, the way the gateway
// catches up minutes after a restart, until it is killed (bounded: 500 transactions).
// Usage: node --import tsx power-cut-writer.ts <station.db>
import { openDatabase, Outbox } from '../../gateway/store/index.ts';
import { minute } from './records.ts';

const db = openDatabase(process.argv[2]!, { exclusive: true }); // as the station opens it (storage.shared_reads off)
const outbox = new Outbox(db, 'CHAOS');
const TX = 600;
let next = (db.prepare('SELECT count(*) AS n FROM minute_records').get() as { n: number }).n;
for (let t = 0; t < 500; t++) {
  db.transaction(() => {
    for (let b = 0; b < TX; b += 10) outbox.commitMinutes(Array.from({ length: 10 }, (_, k) => minute(next + b + k)), Date.now());
  })();
  next += TX;
  process.stdout.write(`${next}\n`); // committed so far: the test kills after it has seen progress
}
db.close();
