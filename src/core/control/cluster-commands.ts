import { Inject, Injectable, Logger } from '@nestjs/common';
import { BackendCall } from '../stores/backend-call.js';
import { STORE_BACKEND, type StoreBackend } from '../stores/store-backend.js';
import { LocalControl } from './local-control.js';
import type { GatewayServer } from '../connections/gateway-socket.js';
import { SocketServerRef } from '../delivery/socket-server.ref.js';
import { CLUSTER_COMMAND_EVENT, type ClusterCommand, parseClusterCommand } from './cluster-command.js';

/**
 * How long an instance waits for the others' answers: both Socket.IO Redis adapters (classic
 * and sharded) give up on a `serverSideEmit` acknowledgement after 5 s; this covers that,
 * for the case the adapter swallows (the publish itself failing).
 */
const ANSWER_TIMEOUT_MS = 7_000;

type Acknowledgement = (error: Error | null, responses: unknown[]) => void;

/**
 * The one way a control command reaches every instance. With Redis it travels as one
 * Socket.IO server-side event (`serverSideEmit` with acknowledgement, over the adapter's own
 * Pub/Sub channels under `REDIS_KEY_PREFIX`); each instance applies it to its connections
 * and answers its count, and the caller adds them up with its own. In memory the same call
 * runs on this instance only.
 *
 * The adapter knows how many instances to wait for (the subscribers of its request channel,
 * so a dead instance is not waited for). One that does not answer within 5 s is left out of
 * the count, with a warning; the command still reached it if it was listening.
 */
@Injectable()
export class ClusterCommands {
  private readonly logger = new Logger(ClusterCommands.name);

  constructor(
    private readonly sockets: SocketServerRef,
    @Inject(STORE_BACKEND) private readonly backend: StoreBackend,
    private readonly local: LocalControl,
    private readonly call: BackendCall,
  ) {
    sockets.onReady((server) => this.listen(server));
  }

  /** Runs `command` on every instance; resolves with the total count of affected connections. */
  async broadcast(command: ClusterCommand): Promise<number> {
    if (this.backend.kind === 'memory') return this.local.execute(command);
    // Fail fast (503) while Redis is down, rather than after the answer timeout.
    if (!(await this.backend.isHealthy())) {
      return this.call.run('control.broadcast', () => Promise.reject(new Error('Redis is unreachable')));
    }
    const [here, elsewhere] = await Promise.all([
      this.local.execute(command),
      this.call.run('control.broadcast', () => this.others(command)),
    ]);
    return here + elsewhere;
  }

  private others(command: ClusterCommand): Promise<number> {
    const adapter = this.sockets.server.of('/').adapter;
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no answer from the other instances within ${ANSWER_TIMEOUT_MS} ms`)),
        ANSWER_TIMEOUT_MS,
      );
      const ack: Acknowledgement = (error, responses) => {
        clearTimeout(timer);
        if (error) this.logger.warn(`${command.kind} for ${command.userId}: ${error.message}`);
        resolve(responses.reduce<number>((sum, n) => sum + (typeof n === 'number' ? n : 0), 0));
      };
      // The adapter, not the namespace: the sharded adapter returns a promise that rejects
      // when Redis fails, which the namespace would drop (an unhandled rejection).
      const sent: unknown = adapter.serverSideEmit([CLUSTER_COMMAND_EVENT, command, ack]);
      if (sent instanceof Promise) {
        sent.catch((error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        });
      }
    });
  }

  private listen(server: GatewayServer): void {
    server.of('/').on(CLUSTER_COMMAND_EVENT, (raw, ack) => {
      const answer = typeof ack === 'function' ? ack : () => undefined;
      const command = parseClusterCommand(raw);
      if (!command) {
        this.logger.warn('ignored a control command this instance does not understand');
        return answer(0);
      }
      this.local.execute(command).then(answer, (error: unknown) => {
        this.logger.warn(`control command ${command.kind} failed here: ${String(error)}`);
        answer(0);
      });
    });
  }
}
