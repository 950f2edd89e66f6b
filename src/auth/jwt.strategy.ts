import { Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { Principal } from './principal.js';
import { REVOKED_REASON, TokenAdmission } from './token-admission.js';
import { TokenError, TokenVerifier } from './token-verifier.js';

/**
 * A REST token refused because the control API revoked it: the one refusal whose reason the
 * caller is told (401 `token revoked`, contract v3 §3), so that a backend acting for a user
 * knows why; every other reason is only logged.
 */
export class RevokedTokenException extends UnauthorizedException {
  constructor() {
    super(REVOKED_REASON);
  }
}

/**
 * REST authentication: passport-jwt checks signature and registered claims, the token admission
 * the rest, revocations included, exactly as for a socket.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly logger = new Logger(JwtStrategy.name);

  constructor(
    verifier: TokenVerifier,
    private readonly admission: TokenAdmission,
  ) {
    const { algorithms, issuer, audience } = verifier.verifyOptions;
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt hands this to jsonwebtoken as is; its types predate KeyObject keys, which
      // jsonwebtoken takes without re-deriving them per request (see TokenVerifier.key).
      secretOrKey: verifier.key as unknown as Buffer,
      algorithms,
      ...(typeof issuer === 'string' && { issuer }),
      ...(typeof audience === 'string' && { audience }),
      ignoreExpiration: false,
    });
  }

  validate(claims: unknown): Principal {
    try {
      return this.admission.admitClaims(claims);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      this.logger.warn(`REST token refused: ${error.reason}`);
      throw error.reason === REVOKED_REASON ? new RevokedTokenException() : new UnauthorizedException();
    }
  }
}
