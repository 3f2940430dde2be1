// The `bonin` command. Each verb is a small module; verbs load lazily so the daemon
// (`bonin run`) never loads simulator code.
import { Command, InvalidArgumentError } from 'commander';

const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number`);
  return n;
};

const program = new Command('bonin')
  .description('Bonin: gateway of unattended automatic weather stations (Ogasawara Islands)')
  .showHelpAfterError();

program.command('run')
  .description('run the station gateway: sensors → QC → store → uplink')
  .requiredOption('-c, --config <file>', 'station file (YAML or JSON)')
  .option('--clock <spec>', 'shared simulated clock speed@origin@anchor (tests and demos)')
  .action(async (o) => (await import('./run.ts')).runGateway(o));

program.command('sim')
  .description('run the hardware simulator and print where each virtual device is')
  .option('--scenario <name>', 'trade-wind | nyc-replay', 'trade-wind')
  .option('--expose <how>', 'pty (needs socat) | tcp', 'pty')
  .option('--speed <x>', 'simulated seconds per real second', positive('speed'), 1)
  .option('--clock <spec>', 'shared simulated clock speed@origin@anchor (overrides --speed)')
  .option('--dir <dir>', 'where PTY links are made')
  .option('--mode <mode>', 'WXT530 protocol: automatic | polled', 'automatic')
  .option('--device <type...>', 'devices to simulate, by station-file sensor type (default: vaisala-wxt530)')
  // issue 11: many light virtual stations (real uplink clients) instead of device twins
  .option('--stations <n>', 'run N virtual stations, each a real uplink client on its own outbox (gateway/fleet)', positive('stations'))
  .option('--broker <url>', 'with --stations: the central MQTT broker', 'mqtt://127.0.0.1:1883')
  .option('--stagger <s>', 'with --stations: simulated seconds between one station\'s start and the next', Number, 2)
  .option('--outage <spec...>', 'with --stations: TARGET@START+DURATION (island, station id or *; e.g. hahajima@1h+24h)')
  .option('--minutes <n>', 'with --stations: stop after this many simulated minutes, drain, print a JSON summary', positive('minutes'))
  .option('--db-dir <dir>', 'with --stations: one SQLite file per station here (default: in memory)')
  .option('--resend-after <s>', 'with --stations: uplink.resend_after_s of each station', positive('resend-after'), 30)
  .action(async (o) => (o.stations ? (await import('./fleet.ts')).runFleet(o) : (await import('./sim.ts')).runSim(o)));

program.command('receiver')
  .description('run the reference central receiver: verify, de-duplicate, store, ack')
  .option('-b, --broker <url>', 'MQTT broker', 'mqtt://127.0.0.1:1883')
  .option('--db <file>', 'receiver database', 'data/receiver.db')
  .option('--group <name>', 'shared-subscription group', 'bonin-receivers')
  .option('--client-id <id>', 'MQTT client id (default: bonin-receiver-<pid>-<random>)')
  .option('--report-every <s>', 'print the store\'s counts this often', positive('report-every'), 10)
  .option('--gap-request-every <s>', 'ask stations for missing seq ranges this often (default never)', positive('gap-request-every'))
  .action(async (o) => (await import('./receiver.ts')).runReceiver(o));

program.command('parse')
  .description('parse a capture of device lines and print one JSON object a line (observation or refusal)')
  .argument('<driver>', 'wxt (more families: issue #4)')
  .argument('[file]', 'capture file (default: standard input)')
  .option('--sensor <id>', 'sensor id to put in the output', 'sensor')
  .action(async (driver, file, o) => (await import('./parse.ts')).runParse(driver, file, o));

program.command('reprocess')
  .description('re-run QC and aggregation over raw observations (JSON lines: `bonin parse` output plus ts); prints JSON lines')
  .argument('<file>', 'raw observations, one JSON object a line (- for standard input)')
  .requiredOption('-c, --config <file>', 'station file (limits, elevation, sensors)')
  .option('--sensor <id>', 'sensor id for lines that carry none (default: the first sensor of the station file)')
  .action(async (file, o) => (await import('./reprocess.ts')).runReprocess(file, o));

program.command('demo')
  .description('a whole station against the simulator, with an embedded broker and receiver')
  .option('--minutes <n>', 'stop after this many simulated minutes (default: run until Ctrl-C)', positive('minutes'))
  .option('--speed <x>', 'simulated seconds per real second', positive('speed'), 10)
  .option('--scenario <name>', 'trade-wind | nyc-replay', 'trade-wind')
  .option('--json', 'print one JSON summary as the last stdout line')
  .option('--dir <dir>', 'working directory for the databases (default: a new temporary one)')
  .option('--device <type...>', 'devices of the station, by sensor type (default: vaisala-wxt530)')
  .action(async (o) => (await import('./demo.ts')).runDemo(o));

program.command('train')
  .description('train the nowcast (tfjs) on hourly data and export .tflite + manifest (checked in LiteRT)')
  .option('--data <csv>', 'hourly CSV of the shared schema', '../shared/data/nyc-2013-hourly.csv')
  .option('--from <date>', 'first training hour (UTC)', '2013-01-01')
  .option('--to <date>', 'end of training (exclusive, UTC); the last 30 days choose the epoch', '2013-10-01')
  .option('--out <dir>', 'where to write nowcast.tflite and nowcast.manifest.json (default: edge-model/model)')
  .option('--epochs <n>', 'at most this many epochs', positive('epochs'))
  .option('--json', 'print one JSON summary as the last stdout line')
  .action(async (o) => (await import('./train.ts')).runTrain(o));

program.command('eval')
  .description('score the shipped nowcast (LiteRT) and the baselines on an hourly CSV: MAE, skill, Brier')
  .requiredOption('--data <csv>', 'hourly CSV of the shared schema (first column the station id)')
  .option('--from <date>', 'first hour scored (UTC)')
  .option('--to <date>', 'end of scoring (exclusive, UTC)')
  .option('--model <manifest>', 'model manifest (default: the shipped edge-model/model/nowcast.manifest.json)')
  .option('--svg <file>', 'SVG report', 'data/nowcast-eval.svg')
  .option('--json', 'print one JSON object as the last stdout line')
  .action(async (o) => (await import('./eval.ts')).runEval(o));

const model = program.command('model').description('signed nowcast models: keygen, sign, verify (the centre\'s side)');
model.command('keygen')
  .description('write an Ed25519 key pair for signing models (private key 0600)')
  .requiredOption('--out <key.pem>', 'private key file')
  .option('--pub <pub.pem>', 'public key file (default: beside --out, .pub.pem)')
  .option('--force', 'replace existing key files')
  .action(async (o) => (await import('./model.ts')).runModelKeygen(o));
model.command('sign')
  .description('sign a model manifest in place (checks the .tflite sha256 first)')
  .requiredOption('--key <key.pem>', 'Ed25519 private key')
  .argument('<manifest>', 'the .manifest.json beside its .tflite')
  .action(async (file, o) => (await import('./model.ts')).runModelSign(file, o));
model.command('verify')
  .description('check a model manifest\'s signature and its .tflite sha256 (exit 1 when refused)')
  .requiredOption('--pub <pub.pem>', 'Ed25519 public key')
  .argument('<manifest>', 'the .manifest.json beside its .tflite')
  .action(async (file, o) => (await import('./model.ts')).runModelVerify(file, o));

await program.parseAsync(process.argv);
