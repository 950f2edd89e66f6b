import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { AppConfig } from '../config/app-config.js';
import { TokenError, TokenVerifier } from './token-verifier.js';

const SECRET = 'unit-secret-0123456789abcdef';

function verifier(jwtConfig: Partial<AppConfig['jwt']> = {}): TokenVerifier {
  return new TokenVerifier({ jwt: { secret: SECRET, generated: false, ...jwtConfig } } as AppConfig);
}

const sign = (claims: object, options: jwt.SignOptions = {}, secret = SECRET) =>
  jwt.sign(claims, secret, { algorithm: 'HS256', ...options });

function reasonOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof TokenError) return error.reason;
    throw error;
  }
  throw new Error('expected a TokenError');
}

describe('TokenVerifier', () => {
  it('turns valid claims into a principal with defaults', () => {
    const principal = verifier().verify(sign({ sub: 'alice', name: 'Alice' }, { expiresIn: 60 }));
    expect(principal).toMatchObject({ sub: 'alice', name: 'Alice', roles: [], channels: [] });
    expect(principal.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it.each([
    ['missing', () => verifier().verify(undefined), 'missing token'],
    ['not a JWT', () => verifier().verify('abc'), 'jwt malformed'],
    [
      'wrong secret',
      () => verifier().verify(sign({ sub: 'a' }, {}, 'another-secret-xxxxxxxx')),
      'invalid signature',
    ],
    ['expired', () => verifier().verify(sign({ sub: 'a', exp: 1 })), 'token expired'],
    ['bad sub', () => verifier().verify(sign({ sub: 'a b' })), 'invalid sub claim'],
    ['no sub', () => verifier().verify(sign({ name: 'x' })), 'invalid sub claim'],
    ['roles not strings', () => verifier().verify(sign({ sub: 'a', roles: [1] })), 'invalid roles claim'],
    [
      'channels not array',
      () => verifier().verify(sign({ sub: 'a', channels: 'chat:*' })),
      'invalid channels claim',
    ],
  ])('refuses a token: %s', (_, action, reason) => {
    expect(reasonOf(action)).toBe(reason);
  });

  it('refuses another algorithm', () => {
    const none = jwt.sign({ sub: 'a' }, SECRET, { algorithm: 'HS512' });
    expect(reasonOf(() => verifier().verify(none))).toBe('invalid algorithm');
  });

  it('refuses an unsigned (alg none) token', () => {
    const unsigned = jwt.sign({ sub: 'a' }, '', { algorithm: 'none' });
    expect(reasonOf(() => verifier().verify(unsigned))).toBe('jwt signature is required');
  });

  it('refuses an RS256 token although the key is a KeyObject (no HS/RS confusion)', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rs = jwt.sign({ sub: 'a' }, privateKey, { algorithm: 'RS256' });
    expect(reasonOf(() => verifier().verify(rs))).toBe('invalid algorithm');
  });

  it('accepts a token signed with the configured secret as a plain string', () => {
    expect(verifier().verify(sign({ sub: 'a' })).sub).toBe('a');
  });

  it('enforces issuer and audience when configured', () => {
    const strict = verifier({ issuer: 'sb', audience: 'web' });
    expect(strict.verify(sign({ sub: 'a' }, { issuer: 'sb', audience: 'web' })).sub).toBe('a');
    expect(reasonOf(() => strict.verify(sign({ sub: 'a' }, { issuer: 'x', audience: 'web' })))).toMatch(
      /issuer/,
    );
    expect(reasonOf(() => strict.verify(sign({ sub: 'a' }, { issuer: 'sb' })))).toMatch(/audience/);
  });

  it('signs tokens it accepts', () => {
    const v = verifier({ issuer: 'sb' });
    expect(v.verify(v.sign({ sub: 'dev', roles: ['service'] }, 60))).toMatchObject({
      sub: 'dev',
      roles: ['service'],
    });
  });
});
