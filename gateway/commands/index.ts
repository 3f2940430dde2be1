// Wiring of the signed command channel to an uplink (StationGateway, and tests that run an
// uplink alone): the channel answers on the uplink's reply topic, `resend` is registered
// here because it belongs to the uplink and its outbox.
import type { Clock } from '../../core/index.ts';
import type { StationConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../store/db.ts';
import type { Outbox } from '../store/outbox.ts';
import type { Uplink } from '../uplink/uplink.ts';
import { CommandChannel } from './channel.ts';
import type { CommandRegistry } from './registry.ts';
import { resendHandler } from './resend.ts';

export { CommandChannel } from './channel.ts';
export { CommandRegistry } from './registry.ts';

export interface AttachOptions {
  uplink: Uplink;
  outbox: Outbox;
  db: Db;
  registry: CommandRegistry;
  station: string;
  clock: Clock;
  log: Logger;
  commands: StationConfig['commands'];
  /** whether the station clock is known to be right (gateway/time/); said in time refusals */
  synchronised?: () => boolean;
}

export function attachCommandChannel(o: AttachOptions): CommandChannel {
  o.registry.register('resend', resendHandler(o.outbox, o.uplink));
  const channel = new CommandChannel({
    station: o.station, db: o.db, registry: o.registry, clock: o.clock, log: o.log,
    publicKeys: o.commands.public_keys, maxAgeS: o.commands.max_age_s, futureToleranceS: o.commands.future_tolerance_s,
    reply: (body, done) => o.uplink.publishReply(body, done),
    ...(o.synchronised ? { synchronised: o.synchronised } : {}),
  });
  o.uplink.on('cmd', (payload: Buffer) => void channel.handle(payload));
  return channel;
}
