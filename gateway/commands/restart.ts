// `restart` (no args): answer first, then exit cleanly; systemd (Restart=always) starts the
// gateway again. Outside systemd nothing restarts it: the reply says so when NOTIFY_SOCKET
// is not set, so the centre is not misled.
import type { CommandHandler } from './registry.ts';

export function restartHandler(restart: (why: string) => void, underSystemd = () => Boolean(process.env.NOTIFY_SOCKET)): CommandHandler {
  return () => ({
    ok: true,
    message: underSystemd() ? 'restarting: exiting cleanly, systemd starts the gateway again' : 'stopping: exiting cleanly (not under systemd: nothing will start it again)',
    afterReply: () => restart('restart command'),
  });
}
