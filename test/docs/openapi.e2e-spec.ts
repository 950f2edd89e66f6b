import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { serviceToken } from '../support/publisher.js';
import { type OpenApiDocument, RestDocument } from '../support/rest-document.js';

/**
 * The OpenAPI document (`/docs-json`) tells generated clients the truth. Every answer of the
 * e2e suite is checked against it (test/support/rest-answers.setup.ts); here: what each
 * operation must document, request schemas that accept exactly what the server accepts, and
 * the check itself, which must catch a lie.
 */
describe('GET /docs-json (OpenAPI)', () => {
  let gateway: RunningGateway;
  let document: OpenApiDocument;
  let judge: RestDocument;
  beforeAll(async () => {
    gateway = await startGateway({ NODE_ENV: 'development' });
    document = (await request<OpenApiDocument>(gateway.url, 'GET', '/docs-json')).body;
    judge = new RestDocument(document);
  });
  afterAll(() => gateway.close());

  type Operation = OpenApiDocument['paths'][string][string];
  const operations = (): { name: string; path: string; operation: Operation }[] =>
    Object.entries(document.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod).map(([method, operation]) => ({
        name: `${method.toUpperCase()} ${path}`,
        path,
        operation,
      })),
    );

  it('is OpenAPI 3.1, so a schema can say "any JSON value, null included"', () => {
    expect(document.openapi).toBe('3.1.0');
  });

  it('documents 400 and, with a bearer token, 401 and 431 on every API operation, each failure with the error body', () => {
    const missing: string[] = [];
    for (const { name, path, operation } of operations()) {
      if (!path.startsWith('/api/')) continue;
      const statuses = Object.keys(operation.responses);
      const needed = ['400', ...(path === '/api/v1/dev/token' ? [] : ['401', '431'])];
      for (const status of needed) if (!statuses.includes(status)) missing.push(`${name} ${status}`);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400 || status === '431') continue;
        const schema = response.content?.['application/json']?.schema;
        if (JSON.stringify(schema) !== JSON.stringify({ $ref: '#/components/schemas/ErrorBodyDto' }))
          missing.push(`${name} ${status}: not the error body`);
      }
    }
    expect(missing).toEqual([]);
    expect(document.components?.schemas?.['ErrorBodyDto']).toMatchObject({
      required: ['statusCode', 'message', 'error'],
    });
  });

  it('documents 413 on every operation with a request body, 403 on every operation for role service', () => {
    const missing: string[] = [];
    for (const { name, path, operation } of operations()) {
      if (operation.requestBody && !operation.responses['413']) missing.push(`${name} 413`);
      // Everything under /api/v1 needs role service but history and presence (or a user allowed
      // to subscribe) and the development helpers, which need no role.
      if (path.startsWith('/api/v1/') && !path.startsWith('/api/v1/dev/') && !operation.responses['403'])
        missing.push(`${name} 403`);
    }
    expect(missing).toEqual([]);
  });

  it.each([
    ['an object', { title: 'hi' }],
    ['a string', 'hi'],
    ['a number', 42],
    ['an array', [1, 'two']],
    ['false', false],
    ['null', null],
    ['nothing (left out)', undefined],
  ])(
    'publish and notification data may be %s: the server takes it and the schemas say so',
    async (_what, data) => {
      const publication = { channel: 'public:docs', event: 'docs.data', ...(data !== undefined && { data }) };
      expect(judge.acceptsBody('POST', '/api/v1/publish', publication)).toBe(true);
      const published = await request(gateway.url, 'POST', '/api/v1/publish', {
        token: serviceToken(gateway),
        body: publication,
      });
      expect(published.status).toBe(201);
      const notification = { userId: 'alice', title: 't', ...(data !== undefined && { data }) };
      expect(judge.acceptsBody('POST', '/api/v1/notifications', notification)).toBe(true);
      const notified = await request(gateway.url, 'POST', '/api/v1/notifications', {
        token: serviceToken(gateway),
        body: notification,
      });
      expect(notified.status).toBe(201);
    },
  );

  it.each([
    ['an unknown field', { channel: 'public:docs', event: 'docs.x', data: 1, extra: true }],
    ['a reserved event name', { channel: 'public:docs', event: 'connect', data: 1 }],
    ['an event name against the pattern', { channel: 'public:docs', event: 'Upper', data: 1 }],
    ['a channel that is no channel name', { channel: 'nocolon', event: 'docs.x', data: 1 }],
    ['no event', { channel: 'public:docs', data: 1 }],
  ])('a publication with %s: the server answers 400 and the schema refuses it too', async (_what, body) => {
    expect(judge.acceptsBody('POST', '/api/v1/publish', body)).toBe(false);
    const answer = await request(gateway.url, 'POST', '/api/v1/publish', {
      token: serviceToken(gateway),
      body,
    });
    expect(answer.status).toBe(400);
  });

  it('optional fields may be null, as the server takes them', async () => {
    const body = { reconnect: null };
    expect(judge.acceptsBody('POST', '/api/v1/users/{userId}/disconnect', body)).toBe(true);
    const answer = await request(gateway.url, 'POST', '/api/v1/users/nobody/disconnect', {
      token: serviceToken(gateway),
      body,
    });
    expect(answer.status).toBe(200);
  });
});

describe('the answer check itself (test/support/rest-document.ts)', () => {
  const judge = new RestDocument({
    openapi: '3.1.0',
    paths: {
      '/api/things/{id}': {
        post: {
          requestBody: {
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { n: { type: 'integer' } },
                  additionalProperties: false,
                },
              },
            },
          },
          responses: {
            '201': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
            '400': {
              content: { 'application/json': { schema: { type: 'object', required: ['statusCode'] } } },
            },
          },
        },
      },
    },
    components: {
      schemas: { Thing: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } },
    },
  });
  const exchange = (status: number, body: unknown, requestBody: unknown = { n: 1 }) => ({
    method: 'POST',
    url: new URL('http://gateway/api/things/7'),
    requestBody: JSON.stringify(requestBody),
    status,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify(body),
  });

  it('passes a documented status whose body matches', () => {
    expect(judge.check(exchange(201, { id: '7' }))).toEqual([]);
    expect(judge.check(exchange(400, { statusCode: 400 }, { n: 'x' }))).toEqual([]);
  });

  it('reports an undocumented status, a body that does not match, and an accepted request the schema refuses', () => {
    expect(judge.check(exchange(503, { statusCode: 503 }))).toEqual([
      'POST /api/things/7 answered 503, a status the document does not list for it (it lists 201, 400)',
    ]);
    expect(judge.check(exchange(201, { id: 7 }))[0]).toMatch(
      /answered 201: the body does not match: \/id must be string/,
    );
    expect(judge.check(exchange(201, { id: '7' }, { n: 1, extra: 1 }))[0]).toMatch(
      /was accepted with a body its schema refuses: .*additional properties/,
    );
  });

  it('reports an answer from a route the document does not have, unless it is a 404', () => {
    const elsewhere = { ...exchange(200, {}), url: new URL('http://gateway/api/other') };
    expect(judge.check(elsewhere)).toEqual([
      'POST /api/other answered 200, but the document has no such operation',
    ]);
    expect(judge.check({ ...elsewhere, status: 404 })).toEqual([]);
  });
});
