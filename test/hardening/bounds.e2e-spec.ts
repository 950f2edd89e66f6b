/**
 * Issue 17 ("Bounds no client can push past"): its e2e cases, one `*.e2e-cases.ts` file per
 * item, run in this one test file (Jest loads NestJS again for each test file, about a second
 * of CPU each; see test/core/core.e2e-spec.ts). One of them alone:
 * `npm test -- test/hardening/bounds.e2e-spec.ts -t '<describe name>'`.
 */
import { jest } from '@jest/globals';

import './admin-logins.e2e-cases.js';
import './memory-budget.e2e-cases.js';
import './null-fields.e2e-cases.js';
import './reads-create-nothing.e2e-cases.js';
import './revocation-rest.e2e-cases.js';
import './small-surfaces.e2e-cases.js';
import './typing-throttle.e2e-cases.js';
import './wrong-answers.e2e-cases.js';

jest.setTimeout(60_000);
