import { Global, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { JwtStrategy } from './jwt.strategy.js';
import { RevocationRegistry } from './revocation-registry.js';
import { RolesGuard } from './roles.guard.js';
import { TokenAdmission } from './token-admission.js';
import { TokenVerifier } from './token-verifier.js';

@Global()
@Module({
  imports: [PassportModule],
  // The revocation registry is fed by the channel core (RevocationSync), which imports auth/,
  // never the other way round.
  providers: [TokenVerifier, RevocationRegistry, TokenAdmission, JwtStrategy, RolesGuard],
  exports: [TokenVerifier, RevocationRegistry, TokenAdmission, RolesGuard],
})
export class AuthModule {}
