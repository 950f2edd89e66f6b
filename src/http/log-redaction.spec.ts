import { REDACTED, redactQuery, redactUrl } from './log-redaction.js';

describe('log redaction', () => {
  it.each([
    ['/api/v1/channels?access_token=eyJ.a.b&limit=5', `/api/v1/channels?access_token=${REDACTED}&limit=5`],
    ['/x?Token=abc', `/x?Token=${REDACTED}`],
    [
      '/x?a=1&jwt=abc&key=k&password=p&secret=s',
      `/x?a=1&jwt=${REDACTED}&key=${REDACTED}&password=${REDACTED}&secret=${REDACTED}`,
    ],
    ['/x?ACCESS%5FTOKEN=abc', `/x?ACCESS%5FTOKEN=${REDACTED}`],
    ['/x?token', '/x?token'],
    ['/x?tokens=1&monkey=2', '/x?tokens=1&monkey=2'],
    ['/x?bad%ZZ=1', '/x?bad%ZZ=1'],
    ['/plain', '/plain'],
  ])('%s → %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });

  it('redacts a parsed query the same way, leaving other parameters as they are', () => {
    expect(redactQuery({ token: 'abc', limit: '5', Secret: ['a', 'b'] })).toEqual({
      token: REDACTED,
      limit: '5',
      Secret: REDACTED,
    });
  });
});
