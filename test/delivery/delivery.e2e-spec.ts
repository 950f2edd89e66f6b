/**
 * The delivery e2e cases, one `*.e2e-cases.ts` file each, run in this one test file: Jest
 * loads every module again for each test file, and loading NestJS, Socket.IO and the rest cost
 * about a second of CPU per file (see test/core/core.e2e-spec.ts). One of them alone:
 * `npm test -- test/delivery/delivery.e2e-spec.ts -t '<describe name>'`.
 */
import { jest } from '@jest/globals';

import './batch-publish.e2e-cases.js';
import './channel-position.e2e-cases.js';
import './documentation.e2e-cases.js';
import './frame-once.e2e-cases.js';
import './idempotency.e2e-cases.js';
import './publisher.e2e-cases.js';
import './stream-ttl.e2e-cases.js';
import './unconfirmed-publish.e2e-cases.js';

// The longest bound any of these cases had as a file of its own.
jest.setTimeout(60_000);
