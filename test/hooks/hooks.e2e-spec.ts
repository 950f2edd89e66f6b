/**
 * The hooks wired into the gateway (contract §8), one `*.e2e-cases.ts` file each, run in this one
 * test file (Jest loads NestJS and the rest once per file). One of them alone:
 * `npm test -- test/hooks/hooks.e2e-spec.ts -t '<describe name>'`.
 */
import { jest } from '@jest/globals';

import './backend-namespaces.e2e-cases.js';
import './webhook-delivery.e2e-cases.js';
import './webhook-sequence.e2e-cases.js';
import './webhook-shutdown.e2e-cases.js';

jest.setTimeout(60_000);
