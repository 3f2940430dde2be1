#!/usr/bin/env node
// Entry point of the `bonin` command. The sources are TypeScript and run through tsx's
// loader, so `npm ci` is the only install step: no build the technician has to know about.
import { register } from 'tsx/esm/api';

register();
await import('../gateway/cli/main.ts');
