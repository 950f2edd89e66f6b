/**
 * The client e2e cases, one `*.e2e-cases.ts` file each, run in this one test file: Jest
 * loads every module again for each test file, and loading NestJS, Socket.IO and the rest cost
 * about a second of CPU per file (see test/core/core.e2e-spec.ts). One of them alone:
 * `npm test -- test/client/client.e2e-spec.ts -t '<describe name>'`.
 */
import { jest } from '@jest/globals';

import './client-auth.e2e-cases.js';
import './client-commands.e2e-cases.js';
import './client-recovery.e2e-cases.js';
import './client-redis-recovery.e2e-cases.js';
import './client-terminated.e2e-cases.js';

// The longest bound any of these cases had as a file of its own.
jest.setTimeout(60_000);
