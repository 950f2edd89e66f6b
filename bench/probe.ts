import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { writeHeapSnapshot } from 'node:v8';

/**
 * Preloaded (`node --expose-gc --import probe.js`) into every server the bench starts, and
 * nowhere else: the product has no endpoint that forces a GC or profiles itself.
 * - `bench:probe`: two full collections, then the heap and RSS after them;
 * - `bench:profile-start` / `bench:profile-stop:<file>`: a V8 CPU profile of exactly the
 *   measured window, written as a .cpuprofile (used with BENCH_PROFILE=<dir>);
 * - `bench:heap-snapshot:<file>`: a full collection, then a heap snapshot written to <file>
 *   (used with BENCH_HEAP=<dir>).
 */
let session: Session | undefined;

function post(method: string, params: object = {}): Promise<unknown> {
  return new Promise((resolve, reject) =>
    session?.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

async function handle(message: string): Promise<unknown> {
  if (message === 'bench:probe') {
    globalThis.gc?.();
    globalThis.gc?.();
    const { heapUsed, rss } = process.memoryUsage();
    return { heapUsed, rss };
  }
  if (message === 'bench:profile-start') {
    session = new Session();
    session.connect();
    await post('Profiler.enable');
    // 100 µs between samples (V8's default is 1 ms): a scenario's window holds a few hundred
    // milliseconds of busy CPU, too few samples at 1 ms to tell a 20 µs step from noise.
    await post('Profiler.setSamplingInterval', { interval: 100 });
    await post('Profiler.start');
    return { started: true };
  }
  if (message.startsWith('bench:heap-snapshot:')) {
    globalThis.gc?.();
    return { file: writeHeapSnapshot(message.slice('bench:heap-snapshot:'.length)) };
  }
  if (message.startsWith('bench:profile-stop:')) {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(message.slice('bench:profile-stop:'.length), JSON.stringify(profile));
    session?.disconnect();
    return { stopped: true };
  }
  return undefined;
}

process.on('message', (message: unknown) => {
  if (typeof message !== 'string' || !message.startsWith('bench:')) return;
  void handle(message).then((answer) => process.send?.(answer));
});
