import { Global, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { JwtStrategy } from './jwt.strategy.js';
import { RolesGuard } from './roles.guard.js';
import { TokenVerifier } from './token-verifier.js';

@Global()
@Module({
  imports: [PassportModule],
  providers: [TokenVerifier, JwtStrategy, RolesGuard],
  exports: [TokenVerifier, RolesGuard],
})
export class AuthModule {}
