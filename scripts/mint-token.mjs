#!/usr/bin/env node
// Prints a token signed with JWT_SECRET (from the environment, else ./.env, as the server reads
// it), for curl and scripts: `TOKEN=$(npm run --silent token)`. Defaults are those of the
// sample token a development server prints: sub `dev`, roles service+admin, chat:*, 24 h.
// `--help` prints the options.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';

const USAGE = `Usage: npm run --silent token -- [options]

Prints a JWT signed with JWT_SECRET (from the environment, else ./.env), with iss/aud when
JWT_ISSUER/JWT_AUDIENCE are set.

Options:
  --sub <id>          the user id (default: dev)
  --name <name>       display name (default: Developer for sub dev, else none)
  --roles <list>      comma-separated roles, '' for none (default: service,admin)
  --channels <list>   comma-separated channels or prefixes ending in * (default: chat:*)
  --ttl <seconds>     lifetime (default: 86400)
  -h, --help          this text

Example: TOKEN=$(npm run --silent token -- --sub alice --roles '' --channels 'chat:team-*' --ttl 3600)
`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      sub: { type: 'string', default: 'dev' },
      name: { type: 'string' },
      roles: { type: 'string', default: 'service,admin' },
      channels: { type: 'string', default: 'chat:*' },
      ttl: { type: 'string', default: String(24 * 3600) },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (error) {
  // An unknown or incomplete option: say which, then how to ask, never a stack trace.
  process.stderr.write(`mint-token: ${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (existsSync('.env')) process.loadEnvFile('.env');
const { JWT_SECRET: secret, JWT_ISSUER: issuer, JWT_AUDIENCE: audience } = process.env;
if (!secret) {
  process.stderr.write(
    'mint-token: JWT_SECRET is not set (environment or .env). A development server without it\n' +
      'prints its own token on a line SWITCHBOARD_TOKEN=<jwt>.\n',
  );
  process.exit(1);
}
const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl <= 0) {
  process.stderr.write(`mint-token: --ttl must be a positive number of seconds (got "${values.ttl}")\n`);
  process.exit(1);
}
const list = (text) => text.split(',').filter((item) => item !== '');
const name = values.name ?? (values.sub === 'dev' ? 'Developer' : undefined);
const claims = {
  sub: values.sub,
  ...(name && { name }),
  roles: list(values.roles),
  channels: list(values.channels),
};
process.stdout.write(
  `${jwt.sign(claims, secret, {
    algorithm: 'HS256',
    expiresIn: ttl,
    ...(issuer && { issuer }),
    ...(audience && { audience }),
  })}\n`,
);
