import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Summary {
  id: string;
  runs: ({ delivered?: number; expected?: number; available?: boolean } | { error: string })[];
}

/**
 * `npm run bench` in BENCH_SMOKE mode (20 clients, 5 publications, every scenario and
 * server once): proves the bench still runs end to end against the floor, the hand-written
 * server and Switchboard, and that nothing is lost. Times are never asserted here.
 */
describe('npm run bench (smoke)', () => {
  it('runs every scenario and delivers everything it publishes', async () => {
    // dist/ is built by Jest's global setup.
    const compile = spawnSync(
      'flock',
      [
        '/tmp/switchboard-bench-build.lock',
        process.execPath,
        'node_modules/typescript/bin/tsc',
        '-p',
        'bench/tsconfig.json',
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(compile.stdout + compile.stderr).toBe('');

    const out = join(mkdtempSync(join(tmpdir(), 'bench-smoke-')), 'results.json');
    const bench = spawn(process.execPath, ['dist-bench/run.js'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        BENCH_SMOKE: '1',
        BENCH_OUT: out,
        REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    bench.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => bench.once('close', resolve));
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });

    const { summaries } = JSON.parse(readFileSync(out, 'utf8')) as { summaries: Summary[] };
    expect(summaries.map((s) => s.id)).toEqual(
      expect.arrayContaining([
        'floor',
        'baseline',
        'switchboard',
        'switchboard-redis-2',
        'switchboard-polling',
      ]),
    );
    for (const summary of summaries) {
      expect({ id: summary.id, runs: summary.runs.length }).toEqual({ id: summary.id, runs: 1 });
      for (const run of summary.runs) {
        expect('error' in run ? run : {}).toEqual({});
        if ('delivered' in run)
          expect({ id: summary.id, delivered: run.delivered }).toEqual({
            id: summary.id,
            delivered: run.expected,
          });
      }
    }
  }, 300_000);
});
