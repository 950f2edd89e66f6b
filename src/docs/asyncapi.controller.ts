import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { stringify } from 'yaml';
import { buildAsyncApiDocument } from './asyncapi.document.js';

@ApiTags('operations')
@Controller('docs')
export class AsyncApiController {
  private readonly yaml = stringify(buildAsyncApiDocument(), { aliasDuplicateObjects: false });

  @Get('asyncapi.yaml')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  @ApiProduces('application/yaml')
  @ApiOkResponse({
    description: 'AsyncAPI 3 document of every Socket.IO command and event',
    schema: { type: 'string' },
  })
  document(): string {
    return this.yaml;
  }
}
