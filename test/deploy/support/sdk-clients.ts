import { SwitchboardClient, type ResyncEvent } from '@switchboard/client';
import type { Transport } from './balanced-clients.js';

/**
 * Clients of the project's SDK (src/client) through the balancer, recording what their
 * handlers saw and every connection loss, with Socket.IO's own reconnection (shortened
 * delays so a test does not wait for the default backoff).
 */
export interface RecordingClient {
  readonly client: SwitchboardClient;
  readonly transports: Transport[];
  /** Offsets in the order the subscription handler received them. */
  readonly offsets: number[];
  /** The reason of every disconnect. */
  readonly disconnects: string[];
  /** Every `resync` its subscription raised (a gap that history could not fill). */
  readonly resyncs: ResyncEvent[];
  /** `code willRetry` of every refused handshake (`CONNECTION_FAILED true`: the client retries). */
  readonly connectErrors: string[];
  close(): Promise<void>;
}

export async function recordingClient(
  url: string,
  token: string,
  transports: Transport[],
  channel: string,
): Promise<RecordingClient> {
  const client = new SwitchboardClient(url, {
    token,
    transports,
    withCredentials: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 1000,
  });
  const offsets: number[] = [];
  const disconnects: string[] = [];
  const resyncs: ResyncEvent[] = [];
  const connectErrors: string[] = [];
  client.on('disconnect', ({ reason }) => disconnects.push(reason));
  client.on('connect_error', (error) => connectErrors.push(`${error.code} ${error.willRetry}`));
  client.on('resync', (event) => resyncs.push(event));
  await client.connect();
  const subscription = client.subscribe(channel, (publication) => offsets.push(publication.offset));
  await subscription.ready;
  return {
    client,
    transports,
    offsets,
    disconnects,
    resyncs,
    connectErrors,
    close: () => Promise.resolve(client.close()),
  };
}

/**
 * Publishes through `url` one after the other until stopped. A request that fails while an
 * instance dies is not retried: it may or may not have been stored, and the test reads the
 * channel's real top from history afterwards.
 */
export function publishUntilStopped(
  url: string,
  token: string,
  channel: string,
): { published(): number; failures(): string[]; stop(): Promise<void> } {
  let running = true;
  let published = 0;
  const failures: string[] = [];
  const loop = (async () => {
    while (running) {
      try {
        const response = await fetch(`${url}/api/v1/publish`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ channel, event: 'deploy.tick', data: { n: published + 1 } }),
        });
        if (response.status === 201) published++;
        else failures.push(`${response.status} ${await response.text()}`);
      } catch (error) {
        failures.push(String(error));
      }
      // A steady flow, not a flood: the 2-core machine also runs three gateways and HAProxy.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    published: () => published,
    failures: () => failures,
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** The channel's current top offset, as the REST history reports it. */
export async function topOffset(url: string, token: string, channel: string): Promise<number> {
  const response = await fetch(`${url}/api/v1/channels/${channel}/history?limit=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status !== 200) throw new Error(`history: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { offset: number }).offset;
}
