import { readFileSync } from 'node:fs';

/**
 * `node dist-bench/profile-summary.js a.cpuprofile [b.cpuprofile]`: self time by package and
 * by function, to compare where two servers spend their CPU (profiles from BENCH_PROFILE).
 */
interface ProfileNode {
  readonly id: number;
  readonly hitCount?: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
}

function packageOf(url: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1];
  if (url.startsWith('node:') || url === '') return url || '(native / GC / idle)';
  return url.includes('/dist/') ? 'switchboard' : url.replace(/^.*\//, '');
}

function summarise(file: string): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const msPerSample = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * msPerSample;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || ms === 0) continue;
    busy += ms;
    const pkg = packageOf(url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const key = `${functionName || '(anonymous)'} ${pkg}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, ms]) => `  ${ms.toFixed(1).padStart(8)} ms  ${k}`);
  process.stdout.write(
    [
      `${file}: ${busy.toFixed(0)} ms busy`,
      'by package:',
      ...top(byPackage, 15),
      'by function:',
      ...top(byFunction, 25),
      '',
    ].join('\n'),
  );
}

for (const file of process.argv.slice(2)) summarise(file);
