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
  .option('--cameras <n>', 'also N simulated ONVIF cameras on 127.0.0.1 (user admin, password bonin-sim), pictures of the scenario sky', positive('cameras'))
  // issue 11: many light virtual stations (real uplink clients) instead of device twins
  .option('--stations <n>', 'run N virtual stations, each a real uplink client on its own outbox (gateway/fleet)', positive('stations'))
  .option('--broker <url>', 'with --stations: the central MQTT broker', 'mqtt://127.0.0.1:1883')
  .option('--stagger <s>', 'with --stations: simulated seconds between one station\'s start and the next', Number, 2)
  .option('--outage <spec...>', 'with --stations: TARGET@START+DURATION (island, station id or *; e.g. hahajima@1h+24h)')
  .option('--minutes <n>', 'with --stations: stop after this many simulated minutes, drain, print a JSON summary', positive('minutes'))
  .option('--db-dir <dir>', 'with --stations: one SQLite file per station here (default: in memory)')
  .option('--resend-after <s>', 'with --stations: uplink.resend_after_s of each station (default: 30, and at least 5 real seconds at --speed)', positive('resend-after'))
  .option('--cmd-pub <pem...>', 'with --stations: the centre\'s command public key(s); stations answer its signed gap requests (bonin receiver --cmd-key)')
  // issue 9: the mystery rack (random devices on random PTYs at random baud rates) for provisioning
  .option('--rack <seed>', 'run the mystery rack of this seed and print what is on each port')
  .action(async (o) => (o.rack !== undefined ? (await import('./rack.ts')).runRack(o) : o.stations ? (await import('./fleet.ts')).runFleet(o) : (await import('./sim.ts')).runSim(o)));

program.command('receiver')
  .description('run the reference central receiver: verify, de-duplicate, store, ack')
  .option('-b, --broker <url>', 'MQTT broker', 'mqtt://127.0.0.1:1883')
  .option('--db <file>', 'receiver database', 'data/receiver.db')
  .option('--group <name>', 'shared-subscription group', 'bonin-receivers')
  .option('--client-id <id>', 'MQTT client id (default: bonin-receiver-<pid>-<random>)')
  .option('--report-every <s>', 'print the store\'s counts this often', positive('report-every'), 10)
  .option('--cmd-key <pem>', 'Ed25519 private key signing the commands it sends (gap requests); without it stations refuse them (docs/commands.md)')
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

program.command('provision')
  .description('commission a station: scan ports, identify sensors, write the station file, self-test, report (docs/provisioning.md)')
  .option('--port <path...>', 'serial ports to scan besides the listed ones (PTYs, by-id links, tcp://host:port servers)')
  .option('--no-system-ports', 'scan only the --port ones')
  .option('-o, --out <file>', 'station file to write (an existing one is backed up)', 'station.yaml')
  .option('--report-dir <dir>', 'where the commissioning report goes (default: beside the station file)')
  .option('--answers <yaml>', 'answers file (docs/provisioning.md); flags win over it')
  .option('--non-interactive', 'ask nothing: flags and --answers only; a missing answer is an error naming it')
  .option('--technician <name>', 'who commissions (goes into the report)')
  .option('--site <preset>', 'chichijima | hahajima | custom')
  .option('--station-id <wigos>', 'WIGOS station identifier, e.g. 0-392-0-47971')
  .option('--name <name>', 'station name')
  .option('--lat <deg>', 'latitude, decimal degrees', Number)
  .option('--lon <deg>', 'longitude, decimal degrees', Number)
  .option('--elevation <m>', 'barometer elevation above mean sea level, m', Number)
  .option('--mast-offset <deg>', 'mast heading offset: degrees clockwise from true north to the sensors\' north mark', Number)
  .option('--wind-height <m>', 'wind sensor height above ground', Number)
  .option('--temperature-height <m>', 'temperature sensor height above ground', Number)
  .option('--rain-height <m>', 'rain gauge orifice height above ground', Number)
  .option('--broker <url>', 'central MQTT broker, mqtts://host:8883')
  .option('--tls <how>', 'client certificate: generate | import | none')
  .option('--cert <file>', 'with --tls import: client certificate (PEM)')
  .option('--key <file>', 'with --tls import: client key (PEM)')
  .option('--ca <file>', 'CA certificate of the broker (PEM)')
  .option('--username <name>', 'MQTT user name')
  .option('--signing-key <pem>', 'the centre\'s Ed25519 model signing public key (default: the shipped one)')
  .option('--storage <path>', 'station database (default data/<station id>.db beside the station file)')
  .option('--self-test-s <s>', 'read every sensor this long in the self-test', positive('self-test-s'))
  .option('--install-service', 'install and enable the systemd unit at the end (bonin install-service)')
  .option('--camera-user <user>', 'ONVIF camera user')
  .option('--camera-password <password>', 'ONVIF camera password')
  .option('--camera <xaddr...>', 'cameras by device service URL (http://host/onvif/device_service), besides those WS-Discovery finds')
  .option('--no-camera-discovery', 'no WS-Discovery probe for cameras')
  .option('--camera-timeout-s <s>', 'each camera call at most', positive('camera-timeout-s'), 10)
  .option('--service-unit-dir <dir>', 'with --install-service: where bonin.service goes (default /etc/systemd/system)')
  .option('--service-user <name>', 'with --install-service: user the gateway runs as (default bonin)')
  .option('--listen-ms <ms>', 'passive listen per port and baud rate', positive('listen-ms'), 2000)
  .option('--probe-ms <ms>', 'time of each read-only probe', positive('probe-ms'), 1000)
  .option('--parallel <n>', 'ports scanned at once', positive('parallel'), 4)
  .option('--broker-timeout-s <s>', 'broker connection and receiver ack, each at most', positive('broker-timeout-s'), 10)
  .option('--json', 'print one JSON summary as the last stdout line')
  .action(async (o) => (await import('./provision.ts')).runProvision(o));

const cmd = program.command('cmd').description('signed remote commands to a station (the centre\'s side, docs/commands.md)');
cmd.command('sign')
  .description('print a signed command envelope; --send publishes it and waits for the station\'s reply')
  .requiredOption('--key <pem>', 'Ed25519 private key of the centre')
  .requiredOption('--station <id>', 'station id (WIGOS)')
  .requiredOption('--cmd <name>', 'resend | model | set-config | restart | frame')
  .option('--args <json>', 'arguments as a JSON object, or @file', '{}')
  .option('--model-manifest <file>', 'for `model`: args from a signed manifest and the .tflite beside it')
  .option('--ttl-s <s>', 'lifetime of the command, seconds', positive('ttl-s'), 600)
  .option('--send', 'publish it on bonin/v1/{station}/cmd and wait for the reply (exit 1 when refused, 3 when no reply)')
  .option('-b, --broker <url>', 'MQTT broker for --send', 'mqtt://127.0.0.1:1883')
  .option('--timeout-s <s>', 'wait this long for the reply', positive('timeout-s'), 60)
  .action(async (o) => (await import('./cmd.ts')).runCmdSign(o));
cmd.command('keygen')
  .description('write an Ed25519 key pair for signing commands (private key 0600; the public half goes in commands.public_keys)')
  .requiredOption('--out <key.pem>', 'private key file')
  .option('--pub <pub.pem>', 'public key file (default: beside --out, .pub.pem)')
  .option('--force', 'replace existing key files')
  .action(async (o) => (await import('./model.ts')).runModelKeygen(o));

program.command('install-service')
  .description('write the systemd unit (Type=notify, watchdog, hardening) and enable it')
  .requiredOption('-c, --config <file>', 'station file the service runs with')
  .option('--user <name>', 'user the gateway runs as', 'bonin')
  .option('--unit-dir <dir>', 'where to write bonin.service', '/etc/systemd/system')
  .option('--name <unit>', 'unit name', 'bonin')
  .option('--watchdog-s <s>', 'WatchdogSec', positive('watchdog-s'), 120)
  .option('--memory-max <size>', 'MemoryMax', '300M')
  .option('--cpu-quota <pct>', 'CPUQuota', '50%')
  .option('--dry-run', 'print the unit, write nothing')
  .option('--no-enable', 'write the unit, do not run systemctl')
  .action(async (o) => (await import('./install-service.ts')).runInstallService(o));

await program.parseAsync(process.argv);
