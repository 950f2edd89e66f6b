import { Controller, Get, Header, Req } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { stringify } from 'yaml';
import { APP_VERSION } from '../config/app-version.js';
import { ChannelRegistry } from '../core/channels/channel-registry.js';
import { CommandTable } from '../core/connections/commands/command-table.js';
import { buildAsyncApiDocument } from './asyncapi.document.js';

/** A host as a Host header carries it: a name or IPv4 address, or an IPv6 one in brackets, and a port. */
const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
/** Documents rendered for the last few hosts (each request names one; normally there are one or two). */
const RENDERED_HOSTS = 8;

@ApiTags('operations')
@Controller('docs')
export class AsyncApiController {
  /** Built on first request: every module has declared its namespaces and commands by then. */
  private document?: Record<string, unknown>;
  private readonly rendered = new Map<string, string>();

  constructor(
    private readonly registry: ChannelRegistry,
    private readonly commands: CommandTable,
  ) {}

  @Get('asyncapi.yaml')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  @ApiProduces('application/yaml')
  @ApiOkResponse({
    description:
      'AsyncAPI 3 document of every Socket.IO command and event; its server is the host this request was sent to',
    schema: { type: 'string' },
  })
  asyncApi(@Req() request: Request): string {
    this.document ??= buildAsyncApiDocument({
      namespaces: this.registry.declarations(),
      commands: this.commands.describe(),
      version: APP_VERSION,
    });
    const server = serverOf(request);
    const key = server ? `${server.protocol}://${server.host}` : '';
    let yaml = this.rendered.get(key);
    if (yaml === undefined) {
      if (this.rendered.size >= RENDERED_HOSTS) this.rendered.clear();
      const servers = server && {
        gateway: { ...server, pathname: '/socket.io', description: SERVER_DESCRIPTION },
      };
      yaml = stringify({ ...this.document, ...(servers && { servers }) }, { aliasDuplicateObjects: false });
      this.rendered.set(key, yaml);
    }
    return yaml;
  }
}

const SERVER_DESCRIPTION = 'Socket.IO over WebSocket or long-polling, at the address of this request';

/**
 * The gateway as the reader reached it: the request's Host, and `wss` when it came over TLS
 * (directly, or as a proxy in front says with `X-Forwarded-Proto`). No usable Host: no server
 * rather than a made-up one.
 */
function serverOf(request: Request): { host: string; protocol: 'ws' | 'wss' } | undefined {
  const host = request.headers.host;
  if (!host || !HOST.test(host)) return undefined;
  const forwarded = String(request.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    .trim();
  const secure = request.secure || forwarded === 'https';
  return { host, protocol: secure ? 'wss' : 'ws' };
}
