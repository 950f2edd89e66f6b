/**
 * The payloads e2e cases, one `*.e2e-cases.ts` file each, run in this one test file: Jest
 * loads every module again for each test file, and loading NestJS, Socket.IO and the rest cost
 * about a second of CPU per file (see test/core/core.e2e-spec.ts). One of them alone:
 * `npm test -- test/hardening/payloads.e2e-spec.ts -t '<describe name>'`.
 */
import './prototype-keys.e2e-cases.js';
import './hostile-payloads.e2e-cases.js';
import './hostile-tokens.e2e-cases.js';
import './engine-io-protocol.e2e-cases.js';
import './socket-io-protocol.e2e-cases.js';
