import { Module } from '@nestjs/common';
import { CoreModule } from '../core/core.module.js';
import { AsyncApiController } from './asyncapi.controller.js';

@Module({ imports: [CoreModule], controllers: [AsyncApiController] })
export class DocsModule {}
