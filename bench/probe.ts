/**
 * Preloaded (`node --expose-gc --import probe.js`) into every server the bench starts, and
 * nowhere else: the product has no endpoint that forces a GC. On the IPC message
 * `bench:probe` it runs two full collections and answers with the heap and RSS after them.
 */
process.on('message', (message: unknown) => {
  if (message !== 'bench:probe') return;
  globalThis.gc?.();
  globalThis.gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  process.send?.({ heapUsed, rss });
});
