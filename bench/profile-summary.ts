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

function packageOf(url: string, functionName: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1];
  if (url.startsWith('node:')) return url;
  // V8's own entries: `(garbage collector)`, `(program)`; else a builtin (JSON.parse, a write).
  if (url === '') return functionName.startsWith('(') ? functionName : '(V8 builtins, native calls)';
  return url.includes('/dist/') ? 'switchboard' : url.replace(/^.*\//, '');
}

/** Packages grouped as the issue asks to read them (the rest under their own name). */
const GROUPS: readonly [RegExp, string][] = [
  [/^socket\.io(-adapter|-parser)?$|^@socket\.io\//, 'socket.io'],
  [/^engine\.io(-parser)?$/, 'engine.io'],
  [/^ws$/, 'ws'],
  [/^@nestjs\/|^rxjs$|^reflect-metadata$/, 'nest (+ rxjs, reflect-metadata)'],
  [/^class-(validator|transformer)$|^validator$|^libphonenumber/, 'class-validator'],
  [
    /^jsonwebtoken$|^jws$|^jwa$|^safe-buffer$|^ecdsa-sig-formatter$|^buffer-equal-constant-time$|^ms$|^lodash\./,
    'jsonwebtoken',
  ],
  [/^pino|^prom-client$|^tdigest$|^bintrees$/, 'pino, prom-client'],
  [/^switchboard$/, 'switchboard (our code)'],
  [/^node:/, 'node internals'],
];

function groupOf(pkg: string): string {
  return GROUPS.find(([pattern]) => pattern.test(pkg))?.[1] ?? pkg;
}

function summarise(file: string): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const msPerSample = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const byPackage = new Map<string, number>();
  const byGroup = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * msPerSample;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || ms === 0) continue;
    busy += ms;
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    byGroup.set(groupOf(pkg), (byGroup.get(groupOf(pkg)) ?? 0) + ms);
    const key = `${functionName || '(anonymous)'} ${pkg}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([k, ms]) =>
          `  ${ms.toFixed(1).padStart(8)} ms ${((100 * ms) / busy).toFixed(1).padStart(5)} %  ${k}`,
      );
  process.stdout.write(
    [
      `${file}: ${busy.toFixed(0)} ms busy`,
      'by group:',
      ...top(byGroup, 12),
      'by package:',
      ...top(byPackage, 15),
      'by function:',
      ...top(byFunction, 25),
      '',
    ].join('\n'),
  );
}

for (const file of process.argv.slice(2)) summarise(file);
