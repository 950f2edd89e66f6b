/**
 * The core's e2e cases, one `*.e2e-cases.ts` file each, run in this one test file: Jest loads
 * every module again for each test file, and loading NestJS, Socket.IO and the rest cost about
 * a second of CPU per file, most of what a small case file costs (`npm test` must stay under
 * 120 s on a 2-core machine). Each cases file is self-contained, as a test file would be: its
 * own describe blocks, servers and hooks. One of them alone:
 * `npm test -- test/core/core.e2e-spec.ts -t '<describe name>'`.
 */
import './channels.e2e-cases.js';
import './chat.e2e-cases.js';
import './command-names.e2e-cases.js';
import './command-order.e2e-cases.js';
import './config.e2e-cases.js';
import './connection-policy.e2e-cases.js';
import './control-occupancy.e2e-cases.js';
import './control-sessions.e2e-cases.js';
import './errors.e2e-cases.js';
import './handshake.e2e-cases.js';
import './limits.e2e-cases.js';
import './metrics-session.e2e-cases.js';
import './operations.e2e-cases.js';
import './origin-session.e2e-cases.js';
import './port-in-use.e2e-cases.js';
import './presence.e2e-cases.js';
import './publications.e2e-cases.js';
import './recovery.e2e-cases.js';
import './rest-channels.e2e-cases.js';
import './rest-cors.e2e-cases.js';
import './rest-publish.e2e-cases.js';
import './session.e2e-cases.js';
import './shutdown.e2e-cases.js';
import './socket-cors.e2e-cases.js';
