import { type ChildGateway, startReadyChildGateway } from '../../support/child-gateway.js';
import { TEST_SECRET } from '../../support/gateway.js';
import { testRedisUrl } from '../../redis/support/redis-keyspace.js';

export interface KillableGateway {
  readonly child: ChildGateway;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** SIGKILL unless it already exited (for a test's `finally`). */
  killIfRunning(): void;
}

/**
 * A gateway process (`node dist/main.js`) on the test Redis under `prefix`, resolved once it is
 * ready: the instance a fault test kills outright, as a crash or the OOM killer would.
 */
export async function startKillableGateway(
  prefix: string,
  instanceId: string,
  env: Record<string, string> = {},
): Promise<KillableGateway> {
  const { child, url } = await startReadyChildGateway(
    {
      NODE_ENV: 'test',
      JWT_SECRET: TEST_SECRET,
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: prefix,
      INSTANCE_ID: instanceId,
      LOG_LEVEL: 'warn',
      ...env,
    },
    `the child gateway ${instanceId} ready`,
  );
  const killIfRunning = (): void => {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  };
  return { child, url, killIfRunning };
}
