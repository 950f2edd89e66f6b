import type { Deployment, DeploymentSpec } from './deployment.js';
import { runBatch } from './scenarios/batch.scenario.js';
import { runChat } from './scenarios/chat.scenario.js';
import { runConnectSubscribe } from './scenarios/connect-subscribe.scenario.js';
import { runFanout } from './scenarios/fanout.scenario.js';
import { runHandshakes } from './scenarios/handshake.scenario.js';

export type Metrics = Readonly<Record<string, number | boolean>>;
export type Family = 'fanout' | 'handshake' | 'connect' | 'chat' | 'batch';

export interface BenchCase {
  readonly id: string;
  readonly label: string;
  readonly family: Family;
  readonly spec: DeploymentSpec;
  /** The case this one is divided by in the ratios (the hand-written server, same setup). */
  readonly versus?: string;
  readonly run: (deployment: Deployment) => Promise<Metrics>;
}

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

/**
 * How big a run is: `full` (`npm run bench`, about 12 minutes on 2 cores), `quick`
 * (`npm run bench -- --quick`, a third of the clients, about 5 minutes) or `smoke`
 * (BENCH_SMOKE=1, in `npm test`: tiny loads that only check that nothing is lost).
 */
export type RunSize = 'full' | 'quick' | 'smoke';

export function loadSizes(size: RunSize) {
  const pick = <T>(full: T, quick: T, smoke: T): T => ({ full, quick, smoke })[size];
  return {
    clients: pick(env('BENCH_CLIENTS', 1500), 500, 20),
    pollingClients: pick(env('BENCH_POLLING_CLIENTS', 300), 100, 20),
    publications: pick(env('BENCH_PUBLICATIONS', 80), 40, 5),
    perSecond: env('BENCH_RATE', 20),
    handshakes: pick(env('BENCH_HANDSHAKES', 1000), 300, 20),
    handshakeConcurrency: 20,
    connectSubscribes: pick(env('BENCH_CONNECT_SUBSCRIBES', 1000), 300, 20),
    chatClients: pick(1000, 300, 20),
    chatRooms: pick(100, 30, 4),
    chatRounds: pick(10, 5, 2),
    chatRoundIntervalMs: 100,
    batchRequests: pick(20, 10, 2),
    batchItems: pick(100, 100, 10),
    batchChannels: pick(10, 10, 2),
    batchSubscribersPerChannel: pick(10, 10, 2),
  };
}

export type LoadSizes = ReturnType<typeof loadSizes>;

const memory = (kind: DeploymentSpec['kind']): DeploymentSpec => ({ kind, instances: 1, redis: false });
const withHooks: DeploymentSpec = { kind: 'switchboard', instances: 1, redis: false, hooks: true };
const onRedis = (kind: DeploymentSpec['kind'], instances: number): DeploymentSpec => ({
  kind,
  instances,
  redis: true,
});

export function benchCases(sizes: LoadSizes): BenchCase[] {
  const ws = { clients: sizes.clients, publications: sizes.publications, perSecond: sizes.perSecond };
  const fanout = { ...ws, transport: 'websocket' as const };
  const polling = { ...ws, clients: sizes.pollingClients, transport: 'polling' as const };
  const fan = (load: typeof fanout | typeof polling) => (d: Deployment) => runFanout(d, load);
  const handshakes = (d: Deployment) =>
    runHandshakes(d, { handshakes: sizes.handshakes, concurrency: sizes.handshakeConcurrency });
  const connects = (d: Deployment) =>
    runConnectSubscribe(d, { clients: sizes.connectSubscribes, concurrency: sizes.handshakeConcurrency });
  const chat = (d: Deployment) =>
    runChat(d, {
      clients: sizes.chatClients,
      rooms: sizes.chatRooms,
      rounds: sizes.chatRounds,
      roundIntervalMs: sizes.chatRoundIntervalMs,
    });
  const batch = (d: Deployment) =>
    runBatch(d, {
      requests: sizes.batchRequests,
      itemsPerRequest: sizes.batchItems,
      channels: sizes.batchChannels,
      subscribersPerChannel: sizes.batchSubscribersPerChannel,
      concurrency: 2,
    });
  // prettier-ignore
  return [
    { id: 'floor', label: 'raw ws, one pre-serialised frame (floor)', family: 'fanout', spec: memory('floor'), versus: 'baseline', run: fan(fanout) },
    { id: 'baseline', label: 'hand-written, in memory', family: 'fanout', spec: memory('baseline'), run: fan(fanout) },
    { id: 'switchboard', label: 'Switchboard, in memory', family: 'fanout', spec: memory('switchboard'), versus: 'baseline', run: fan(fanout) },
    { id: 'switchboard-hooks', label: 'Switchboard, in memory, webhook receiver answering in 2 s', family: 'fanout', spec: withHooks, versus: 'baseline', run: fan(fanout) },
    { id: 'baseline-redis-1', label: 'hand-written + Redis adapter, 1 instance', family: 'fanout', spec: onRedis('baseline', 1), run: fan(fanout) },
    { id: 'switchboard-redis-1', label: 'Switchboard on Redis, 1 instance', family: 'fanout', spec: onRedis('switchboard', 1), versus: 'baseline-redis-1', run: fan(fanout) },
    { id: 'baseline-redis-2', label: 'hand-written + Redis adapter, 2 instances', family: 'fanout', spec: onRedis('baseline', 2), run: fan(fanout) },
    { id: 'switchboard-redis-2', label: 'Switchboard on Redis, 2 instances', family: 'fanout', spec: onRedis('switchboard', 2), versus: 'baseline-redis-2', run: fan(fanout) },
    { id: 'baseline-polling', label: 'hand-written, long-polling', family: 'fanout', spec: memory('baseline'), run: fan(polling) },
    { id: 'switchboard-polling', label: 'Switchboard, long-polling', family: 'fanout', spec: memory('switchboard'), versus: 'baseline-polling', run: fan(polling) },
    { id: 'baseline-handshakes', label: 'hand-written', family: 'handshake', spec: memory('baseline'), run: handshakes },
    { id: 'switchboard-handshakes', label: 'Switchboard', family: 'handshake', spec: memory('switchboard'), versus: 'baseline-handshakes', run: handshakes },
    { id: 'baseline-connect', label: 'hand-written', family: 'connect', spec: memory('baseline'), run: connects },
    { id: 'switchboard-connect', label: 'Switchboard', family: 'connect', spec: memory('switchboard'), versus: 'baseline-connect', run: connects },
    { id: 'baseline-chat', label: 'hand-written', family: 'chat', spec: memory('baseline'), run: chat },
    { id: 'switchboard-chat', label: 'Switchboard', family: 'chat', spec: memory('switchboard'), versus: 'baseline-chat', run: chat },
    { id: 'baseline-batch', label: 'hand-written', family: 'batch', spec: memory('baseline'), run: batch },
    { id: 'switchboard-batch', label: 'Switchboard', family: 'batch', spec: memory('switchboard'), versus: 'baseline-batch', run: batch },
  ];
}
