#!/usr/bin/env -S node --max-semi-space-size=2
// Entry point of the `bonin` command. The sources are TypeScript and run through tsx's
// loader, so `npm ci` is the only install step: no build the technician has to know about.
// The shebang's V8 flag is core/node-flags.ts STATION_NODE_FLAGS (why: see there).
import { register } from 'tsx/esm/api';

register();
await import('../gateway/cli/main.ts');
