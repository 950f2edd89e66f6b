import { Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { Principal } from './principal.js';
import { TokenError, TokenVerifier } from './token-verifier.js';

/** REST authentication: passport-jwt checks signature and registered claims, the verifier the rest. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly logger = new Logger(JwtStrategy.name);

  constructor(private readonly verifier: TokenVerifier) {
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
      return this.verifier.toPrincipal(claims);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      this.logger.warn(`REST token refused: ${error.reason}`);
      throw new UnauthorizedException();
    }
  }
}
