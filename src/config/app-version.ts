import { readFileSync } from 'node:fs';

/**
 * The gateway's version, read from its package.json at start (two levels up from this file in
 * src/ and in dist/ alike, and beside dist/ in the image): the one label the OpenAPI and
 * AsyncAPI documents and the SDK packages share, so they can never disagree.
 */
export const APP_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
