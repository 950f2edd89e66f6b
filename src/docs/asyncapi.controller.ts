import { readFileSync } from 'node:fs';
import { Controller, Get, Header, Headers } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { stringify } from 'yaml';
import { ChannelRegistry } from '../core/channels/channel-registry.js';
import { CommandTable } from '../core/connections/commands/command-table.js';
import { buildAsyncApiDocument } from './asyncapi.document.js';

/** The package's version: the one version every document and package states. */
export const GATEWAY_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

@ApiTags('operations')
@Controller('docs')
export class AsyncApiController {
  /** Built on first request: every module has declared its namespaces and commands by then. */
  private document?: Record<string, unknown>;

  constructor(
    private readonly registry: ChannelRegistry,
    private readonly commands: CommandTable,
  ) {}

  @Get('asyncapi.yaml')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  @ApiOkResponse({ description: 'AsyncAPI 3 document of every Socket.IO command and event' })
  asyncApi(@Headers('host') host: string | undefined): string {
    this.document ??= buildAsyncApiDocument({
      namespaces: this.registry.declarations(),
      commands: this.commands.describe(),
      version: GATEWAY_VERSION,
    });
    // The server as the caller reached it (behind a proxy, the host it asked for).
    const server = { host: host ?? 'localhost', protocol: 'ws', pathname: '/socket.io' };
    return stringify({ ...this.document, servers: { gateway: server } }, { aliasDuplicateObjects: false });
  }
}
