// Run by test/stores/history-heap.e2e-spec.ts as `node --expose-gc history-heap.mjs <log module>`:
// fills an embedded channel log with publications whose parsed data is far larger than its
// JSON text (20,000 empty objects each, 40 KB of text), then prints, as one JSON line, the
// bytes the log counts against HISTORY_MAX_BYTES and how much the heap grew (after GCs).
const { MemoryChannelLog } = await import(process.argv[2]);
const maxBytes = 4 * 1024 * 1024;
const log = new MemoryChannelLog({
  historySize: 1000,
  historyTtlMs: 3_600_000,
  streamTtlMs: 3_600_000,
  idempotencyTtlMs: 60_000,
  historyMaxBytes: maxBytes,
});
const heapUsed = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};
const text = `[${Array(20_000).fill('{}').join(',')}]`;
const before = heapUsed();
let publications = 0;
for (let i = 0; i < 200; i++) {
  await log.append({ channel: `public:heap-${i % 10}`, event: 'e', data: JSON.parse(text), keep: true });
  publications++;
}
const growth = heapUsed() - before;
const pages = await Promise.all(Array.from({ length: 10 }, (_, i) => log.read(`public:heap-${i}`, 0, 1000)));
const stored = pages.reduce((sum, page) => sum + page.publications.length, 0);
console.log(JSON.stringify({ maxBytes, counted: log.bytes, growth, publications, stored }));
