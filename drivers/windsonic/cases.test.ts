// The WindSonic golden cases (testcases/*/source.txt says where each frame comes from).
import { join } from 'node:path';
import { goldenSuite } from '../framing/golden.ts';
import { WindsonicDriver } from './driver.ts';

goldenSuite('Gill WindSonic golden cases', join(import.meta.dirname, 'testcases'), 6, (transport, clock) => new WindsonicDriver({ sensor: 'met', transport, clock }), 'met');
