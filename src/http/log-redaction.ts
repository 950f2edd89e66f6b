/**
 * What no log line may hold (contract v3 §7): credentials in request headers and in query
 * parameters. Header names are lower case (as Node gives them); parameter names are matched
 * case-insensitively, since a client or proxy may write `Token=` or `ACCESS_TOKEN=`.
 */
export const CREDENTIAL_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-access-token',
  'x-api-key',
] as const;
export const CREDENTIAL_PARAMETERS: ReadonlySet<string> = new Set([
  'token',
  'access_token',
  'jwt',
  'key',
  'password',
  'secret',
]);

export const REDACTED = '[Redacted]';

/** pino `redact` paths: the credential headers of a request line, and a response's cookies. */
export const REDACTED_LOG_PATHS = [
  ...CREDENTIAL_HEADERS.map((name) => `req.headers["${name}"]`),
  'res.headers["set-cookie"]',
];

const isCredentialParameter = (name: string): boolean => {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    // Malformed escapes: judged as written.
  }
  return CREDENTIAL_PARAMETERS.has(decoded.toLowerCase());
};

/** The URL with the values of its credential parameters replaced: `/x?token=[Redacted]&a=1`. */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const parameters = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      return equals >= 0 && isCredentialParameter(name) ? `${name}=${REDACTED}` : pair;
    });
  return `${url.slice(0, mark)}?${parameters.join('&')}`;
}

/** A parsed query (Express's `req.query`) with its credential parameters' values replaced. */
export function redactQuery(query: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    copy[name] = isCredentialParameter(name) ? REDACTED : value;
  }
  return copy;
}
