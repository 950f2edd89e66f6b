import { Injectable } from '@nestjs/common';
import type { Principal } from './principal.js';
import { RevocationRegistry } from './revocation-registry.js';
import { TokenError, TokenVerifier } from './token-verifier.js';

export const REVOKED_REASON = 'token revoked';

/**
 * The one token check of every entry point, the handshake, `auth.refresh` and the REST API's
 * passport strategy alike: a valid token (see {@link TokenVerifier}) that the control API has
 * not revoked. A revoked token fails like any refused token, with the reason `token revoked`.
 */
@Injectable()
export class TokenAdmission {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly revocations: RevocationRegistry,
  ) {}

  admit(token: unknown): Principal {
    return this.admitted(this.verifier.verify(token));
  }

  /** Claims whose signature is already verified (passport-jwt), checked like {@link admit}. */
  admitClaims(claims: unknown): Principal {
    return this.admitted(this.verifier.toPrincipal(claims));
  }

  isRevoked(principal: Principal): boolean {
    return this.revocations.isRevoked(principal);
  }

  private admitted(principal: Principal): Principal {
    if (this.revocations.isRevoked(principal)) throw new TokenError(REVOKED_REASON);
    return principal;
  }
}
