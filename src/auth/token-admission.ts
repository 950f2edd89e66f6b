import { Injectable } from '@nestjs/common';
import type { Principal } from './principal.js';
import { TokenError, TokenVerifier } from './token-verifier.js';
import { RevocationRegistry } from './revocation-registry.js';

/**
 * The socket side's token check, shared by the handshake and `auth.refresh`: a valid token
 * (see {@link TokenVerifier}) that the control API has not revoked. A revoked token fails
 * like any refused token, with the reason `token revoked`. The REST API does not consult
 * revocations: its callers are services, and revoking a user ends that user's sessions.
 */
@Injectable()
export class TokenAdmission {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly revocations: RevocationRegistry,
  ) {}

  admit(token: unknown): Principal {
    const principal = this.verifier.verify(token);
    if (this.revocations.isRevoked(principal)) throw new TokenError(REVOKED_REASON);
    return principal;
  }

  isRevoked(principal: Principal): boolean {
    return this.revocations.isRevoked(principal);
  }
}

export const REVOKED_REASON = 'token revoked';
