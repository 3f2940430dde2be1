// WS-Discovery (2005/04, as ONVIF Core §7 uses it) target side of the simulated camera:
// answer a Probe for NetworkVideoTransmitter / Device (or an empty Types) with one
// ProbeMatch, unicast to the sender, RelatesTo the probe's MessageID. It listens on the
// multicast group 239.255.255.250:3702 like a real camera and also hears probes sent
// straight to its address. It never announces itself (no Hello/Bye): the simulator must not
// put multicast on a network it did not create.
import { createSocket, type Socket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import { bodyAction, elementText, envelope, escapeXml } from './soap.ts';

export const WSD_GROUP = '239.255.255.250';
export const WSD_PORT = 3702;

export interface DiscoveryOptions {
  /** UDP port (default 3702) */
  port?: number;
  /** bind address (default 0.0.0.0: multicast needs it) */
  address?: string;
  /** join 239.255.255.250 (default true); false = unicast probes only */
  multicast?: boolean;
}

export interface ProbeTarget {
  urn: string;
  xaddr: () => string;
  scopes: () => string[];
  /** false while the camera is offline: probes go unanswered */
  answering: () => boolean;
  /** most multicast answers wait a random 0..maxDelayMs (WS-Discovery APP_MAX_DELAY, shortened) */
  maxDelayMs?: number;
  onProbe?: (from: string) => void;
}

/** Types a probe may ask for that this camera is (local names; prefixes vary by client). */
const OUR_TYPES = new Set(['NetworkVideoTransmitter', 'Device']);

export function probeMatches(relatesTo: string, target: ProbeTarget, messageNumber: number, instanceId: number): string {
  const header = `<a:MessageID>urn:uuid:${randomUUID()}</a:MessageID><a:RelatesTo>${escapeXml(relatesTo)}</a:RelatesTo>`
    + '<a:To s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To>'
    + '<a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action>'
    + `<d:AppSequence InstanceId="${instanceId}" MessageNumber="${messageNumber}"/>`;
  const body = '<d:ProbeMatches><d:ProbeMatch>'
    + `<a:EndpointReference><a:Address>${escapeXml(target.urn)}</a:Address></a:EndpointReference>`
    + '<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>'
    + `<d:Scopes>${target.scopes().map(escapeXml).join(' ')}</d:Scopes>`
    + `<d:XAddrs>${escapeXml(target.xaddr())}</d:XAddrs>`
    + '<d:MetadataVersion>1</d:MetadataVersion>'
    + '</d:ProbeMatch></d:ProbeMatches>';
  return envelope(body, header, ['s', 'a', 'd', 'dn', 'tds']);
}

/** Does this Probe ask for a camera? An empty or absent Types matches everything. */
export function probeWantsUs(xml: string): boolean {
  const types = elementText(xml, 'Types');
  if (!types) return true;
  return types.split(/\s+/).some((t) => OUR_TYPES.has(t.replace(/^.*:/, '')));
}

export interface DiscoveryResponder {
  port: number;
  close(): Promise<void>;
}

export function startDiscoveryResponder(target: ProbeTarget, opts: DiscoveryOptions = {}): Promise<DiscoveryResponder> {
  const port = opts.port ?? WSD_PORT;
  const multicast = opts.multicast ?? true;
  const sock: Socket = createSocket({ type: 'udp4', reuseAddr: true });
  const instanceId = Math.floor(Date.now() / 1000);
  let messageNumber = 0;
  const timers = new Set<NodeJS.Timeout>();
  sock.on('message', (buf, rinfo) => {
    if (!target.answering()) return;
    const xml = buf.toString('utf8');
    if (bodyAction(xml) !== 'Probe' || !probeWantsUs(xml)) return;
    const relatesTo = elementText(xml, 'MessageID');
    if (!relatesTo) return; // a probe without MessageID cannot be answered (nothing to relate to)
    target.onProbe?.(rinfo.address);
    const reply = Buffer.from(probeMatches(relatesTo, target, ++messageNumber, instanceId), 'utf8');
    const delay = Math.floor(Math.random() * (target.maxDelayMs ?? 50));
    const t = setTimeout(() => {
      timers.delete(t);
      sock.send(reply, rinfo.port, rinfo.address, () => { /* a vanished prober is not our problem */ });
    }, delay);
    timers.add(t);
  });
  return new Promise((resolve, reject) => {
    const fail = (e: Error) => {
      sock.close();
      reject(new Error(`WS-Discovery responder on ${opts.address ?? '0.0.0.0'}:${port}: ${e.message}`));
    };
    sock.once('error', fail);
    sock.bind(port, opts.address ?? '0.0.0.0', () => {
      try {
        if (multicast) sock.addMembership(WSD_GROUP);
      } catch (e) {
        fail(new Error(`cannot join ${WSD_GROUP} (${(e as Error).message}); in a network namespace add a multicast route: ip route add 224.0.0.0/4 dev lo`));
        return;
      }
      sock.off('error', fail);
      sock.on('error', () => { /* a send to a vanished prober; keep answering others */ });
      resolve({
        port: sock.address().port,
        close: () => new Promise<void>((done) => {
          for (const t of timers) clearTimeout(t);
          sock.close(() => done());
        }),
      });
    });
  });
}
