/** The claims of the sample token a development server prints when JWT_SECRET is unset. */
export const SAMPLE_TOKEN_CLAIMS = {
  sub: 'dev',
  name: 'Developer',
  roles: ['service', 'admin'],
  channels: ['chat:*'],
};
export const SAMPLE_TOKEN_TTL_SECONDS = 24 * 3600;

const RULE = '─'.repeat(78);

/**
 * The sample token, boxed off with what it is, printed after every start-up log line: the
 * last thing on the screen when the server is ready. The token itself stays a bare
 * `SWITCHBOARD_TOKEN=<jwt>` line, so `grep '^SWITCHBOARD_TOKEN='` or
 * `sed -n 's/^SWITCHBOARD_TOKEN=//p'` picks it out.
 */
export function sampleTokenBlock(token: string): string {
  return [
    RULE,
    'Development only: JWT_SECRET is not set, so this run signs tokens with a random secret',
    '(they stop working when it stops). A sample token for curl, scripts and the SDK, valid 24 h:',
    'sub dev, roles service and admin, channels chat:*. Set JWT_SECRET (see .env.example) to',
    'keep tokens across restarts, and mint others with `npm run token -- --help`.',
    '',
    `SWITCHBOARD_TOKEN=${token}`,
    RULE,
    '',
  ].join('\n');
}
