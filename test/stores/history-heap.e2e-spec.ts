import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./support/history-heap.mjs', import.meta.url));
const LOG = fileURLToPath(
  new URL('../../dist/core/stores/channel-log/memory-channel.log.js', import.meta.url),
);

/**
 * HISTORY_MAX_BYTES bounds the heap, not only the count: the embedded log keeps each stored
 * publication as the JSON text delivery sent, so data whose objects take far more than their
 * text (here 20,000 empty objects in 40 KB, about 20 times that once parsed) holds what it is
 * counted as. Measured in a process of its own (`--expose-gc`), after forced GCs.
 */
describe('memory channel log: the heap stays within HISTORY_MAX_BYTES', () => {
  it('200 publications of 40 KB text and 20,000 objects each, under a 4 MiB budget', () => {
    const run = spawnSync(process.execPath, ['--expose-gc', SCRIPT, LOG], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as {
      maxBytes: number;
      counted: number;
      growth: number;
      publications: number;
      stored: number;
    };
    console.info(`history heap: ${JSON.stringify(result)}`);
    expect(result.counted).toBeLessThanOrEqual(result.maxBytes);
    // Trimmed to the budget (8 MB of text were published), the newest kept.
    expect(result.stored).toBeGreaterThan(50);
    expect(result.stored).toBeLessThan(result.publications);
    // Holding the parsed objects grew the heap by about 88 MB here; the text, by the budget.
    expect(result.growth).toBeLessThan(2 * result.maxBytes);
  });
});
