import { afterEach } from '@jest/globals';
import { type OpenApiDocument, RestDocument } from './rest-document.js';

/**
 * Every REST answer an e2e test sees is checked against the OpenAPI document of the gateway
 * that gave it (Jest runs this file in each e2e test file, `setupFilesAfterEnv`). Tests call the
 * gateway with the global `fetch` (directly, through test/support/http.ts, or through the SDK's
 * publisher), so `fetch` is wrapped: an answer from a documented path (`/api/…`, `/health/…`,
 * `/metrics`, `/docs/asyncapi.yaml`) is held against `/docs-json` of the same origin, fetched
 * once. A status the document does not list for the operation, a body that does not match its
 * schema, or a request the gateway accepted that the document would refuse fails the test it
 * happened in (in `afterEach`, so that code which catches fetch errors cannot hide it).
 */
const CHECKED = /^\/(api\/|health\/|metrics$|docs\/asyncapi\.yaml$)/;

const original = globalThis.fetch;
const documents = new Map<string, Promise<RestDocument | undefined>>();
const problems: string[] = [];

/**
 * The document of the server at `origin`, fetched once (again when `fresh`: a port freed by
 * one test's gateway may serve another's, configured otherwise); undefined for a server that
 * has none.
 */
function documentOf(origin: string, fresh = false): Promise<RestDocument | undefined> {
  let document = documents.get(origin);
  if (!document || fresh) {
    document = original(`${origin}/docs-json`).then(
      async (response) =>
        response.ok ? new RestDocument((await response.json()) as OpenApiDocument) : undefined,
      () => undefined,
    );
    documents.set(origin, document);
  }
  return document;
}

function requestText(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  return undefined;
}

globalThis.fetch = async function checkedFetch(input: string | URL | Request, init?: RequestInit) {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  if (!CHECKED.test(url.pathname) || method === 'OPTIONS') return original(input, init);
  // The document first, before the test's own request: behind a round-robin balancer, asking
  // for it in the middle of a test's requests would shift which gateway answers which.
  if (!(await documentOf(url.origin))) return original(input, init);
  const response = await original(input, init);
  const body = await response.clone().text();
  const exchange = {
    method: method === 'HEAD' ? 'GET' : method,
    url,
    requestBody: requestText(init?.body),
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: method === 'HEAD' ? '' : body,
  };
  let found = (await documentOf(url.origin))?.check(exchange) ?? [];
  // Judged by a document fetched earlier: ask the server there now before blaming it.
  if (found.length > 0) found = (await documentOf(url.origin, true))?.check(exchange) ?? [];
  problems.push(...found);
  return response;
};

afterEach(() => {
  const found = problems.splice(0);
  if (found.length > 0)
    throw new Error(`REST answers the OpenAPI document does not describe:\n${found.join('\n')}`);
});
