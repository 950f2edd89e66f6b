#!/usr/bin/env node
// Prints a token signed with JWT_SECRET (from the environment, else ./.env, as the server reads
// it), for curl and scripts: `TOKEN=$(npm run --silent token)`. Defaults are those of the
// sample token a development server prints: sub `dev`, roles service+admin, chat:*, 24 h.
//
//   npm run --silent token -- --sub alice --name Alice --roles '' --channels 'chat:team-*' --ttl 3600
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';

const { values } = parseArgs({
  options: {
    sub: { type: 'string', default: 'dev' },
    name: { type: 'string' },
    roles: { type: 'string', default: 'service,admin' },
    channels: { type: 'string', default: 'chat:*' },
    ttl: { type: 'string', default: String(24 * 3600) },
  },
});
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
