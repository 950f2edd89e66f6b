import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestId } from './http-access-log.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The id given to a request with `header` as its X-Request-Id, and the header the answer got. */
function idFor(header: string | string[] | undefined): { id: string; echoed: unknown } {
  const headers: Record<string, unknown> = {};
  const response = { setHeader: (name: string, value: unknown) => (headers[name] = value) };
  const request = { headers: header === undefined ? {} : { 'x-request-id': header } };
  const id = requestId(request as unknown as IncomingMessage, response as unknown as ServerResponse);
  return { id, echoed: headers['X-Request-Id'] };
}

describe('requestId', () => {
  it("keeps the caller's well-formed X-Request-Id and echoes it", () => {
    expect(idFor('lb-1234:abc_DEF.9')).toEqual({ id: 'lb-1234:abc_DEF.9', echoed: 'lb-1234:abc_DEF.9' });
  });

  it.each([
    ['none', undefined],
    ['an empty one', ''],
    ['spaces', 'not an id'],
    ['a line break', 'a\nb'],
    ['129 characters', 'x'.repeat(129)],
    ['a repeated header', ['a', 'b']],
  ])('makes a new UUID for %s', (_name, header) => {
    const { id, echoed } = idFor(header);
    expect(id).toMatch(UUID);
    expect(echoed).toBe(id);
  });
});
