import { Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';

/** Every REST endpoint under `/api/v1` sits behind this guard. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {}
