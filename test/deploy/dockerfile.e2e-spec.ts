import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { freePort } from '../support/global-setup.js';
import { startGateway } from '../support/gateway.js';
import { ShutdownDrain } from '../../src/core/connections/shutdown-drain.js';
import {
  copyArgs,
  execForm,
  instructions,
  isIgnored,
  parseDockerfile,
  type Stage,
} from './support/dockerfile.js';
import { runNodeHealthcheck } from './support/healthcheck.js';
import { readRepoFile, repoPath, ROOT } from './support/repo-files.js';

/**
 * The Dockerfile without a Docker engine: its structure is read, the build stage is replayed
 * from exactly the files its COPY lines take from the build context (after .dockerignore),
 * and the result is started with the runtime stage's CMD and ENV and probed with its
 * HEALTHCHECK command.
 */
const dockerfile = parseDockerfile(readRepoFile('Dockerfile'));
const dockerignore = readRepoFile('.dockerignore');
const [build, runtime] = dockerfile.stages;
const runs = (stage: Stage): string[] => instructions(stage, 'RUN').map((instruction) => instruction.args);
const single = (stage: Stage, keyword: string): string => {
  const found = instructions(stage, keyword);
  if (found.length !== 1) throw new Error(`expected one ${keyword}, found ${found.length}`);
  return found[0].args;
};
const runtimeEnv = (): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const { args } of instructions(runtime, 'ENV')) {
    for (const [, key, value] of args.matchAll(/(\w+)=(\S+)/g)) env[key] = value;
  }
  return env;
};
const healthcheck = (): string[] => execForm(single(runtime, 'HEALTHCHECK'));

describe('Dockerfile', () => {
  it('builds in one stage and runs production dependencies only in another, on Node 20 slim', () => {
    expect(dockerfile.stages).toHaveLength(2);
    expect(build.name).toBe('build');
    const image = dockerfile.globalArgs.get('NODE_IMAGE');
    expect(image).toMatch(/^node:20-(bookworm-)?slim$/);
    for (const stage of dockerfile.stages) expect(stage.from).toBe('${NODE_IMAGE}');
    expect(runs(build)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^npm ci\b/), 'npm run build']),
    );
    expect(runs(runtime).join(' ')).toMatch(/npm ci --omit=dev/);
    const fromBuild = instructions(runtime, 'COPY').map((copy) => copyArgs(copy.args));
    expect(fromBuild).toEqual(
      expect.arrayContaining([
        { from: 'build', sources: ['/app/dist'], dest: './dist' },
        { from: 'build', sources: ['/app/public'], dest: './public' },
      ]),
    );
  });

  it('runs as a non-root numeric user, exposes PORT, stops with SIGTERM and starts like start:prod', () => {
    const [user, group] = single(runtime, 'USER').split(':').map(Number);
    expect(user).toBeGreaterThan(0);
    expect(group).toBeGreaterThan(0);
    const env = runtimeEnv();
    expect(env.NODE_ENV).toBe('production');
    expect(single(runtime, 'EXPOSE')).toBe(env.PORT);
    expect(single(runtime, 'STOPSIGNAL')).toBe('SIGTERM');
    const scripts = (JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(execForm(single(runtime, 'CMD')).join(' ')).toBe(scripts['start:prod']);
    expect(healthcheck().join(' ')).toContain('/health/ready');
  });

  it('copies only files that exist and that .dockerignore leaves in the context; secrets stay out', () => {
    const sources = build.instructions
      .filter((instruction) => instruction.keyword === 'COPY')
      .map((copy) => copyArgs(copy.args))
      .filter((copy) => copy.from === undefined)
      .flatMap((copy) => copy.sources);
    for (const source of sources) {
      expect(existsSync(repoPath(source))).toBe(true);
      expect([source, isIgnored(dockerignore, source)]).toEqual([source, false]);
    }
    for (const excluded of [
      '.env',
      '.env.production',
      'node_modules/x',
      'dist/main.js',
      '.git/HEAD',
      'public/vendor/x.js',
    ]) {
      expect([excluded, isIgnored(dockerignore, excluded)]).toEqual([excluded, true]);
    }
  });

  describe('replayed without Docker', () => {
    let context: string;
    beforeAll(() => {
      context = mkdtempSync(join(tmpdir(), 'sb-docker-'));
      for (const copy of instructions(build, 'COPY').map((c) => copyArgs(c.args))) {
        for (const source of copy.sources)
          cpSync(repoPath(source), join(context, source), {
            recursive: true,
            filter: (path) => path === repoPath(source) || !isIgnored(dockerignore, relative(ROOT, path)),
          });
      }
      // `npm ci` is replaced by the installed tree: the packages are the lock file's either way.
      symlinkSync(repoPath('node_modules'), join(context, 'node_modules'), 'dir');
      const built = spawnSync('npm', ['run', 'build'], { cwd: context, encoding: 'utf8' });
      if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}\n${built.stderr}`);
    }, 120_000);
    afterAll(() => rmSync(context, { recursive: true, force: true }));

    it('the build stage produces dist/main.js and every asset the demo page loads', () => {
      expect(statSync(join(context, 'dist', 'main.js')).isFile()).toBe(true);
      const page = readFileSync(join(context, 'public', 'index.html'), 'utf8');
      const assets = [...page.matchAll(/(?:src|href)="\/([^"]+)"/g)].map((match) => match[1]);
      expect(assets.length).toBeGreaterThan(0);
      for (const asset of assets)
        expect([asset, existsSync(join(context, 'public', asset))]).toEqual([asset, true]);
    });

    it('the compiled server imports only production dependencies (npm ci --omit=dev suffices)', () => {
      const pkg = JSON.parse(readRepoFile('package.json')) as { dependencies: Record<string, string> };
      const allowed = new Set([...Object.keys(pkg.dependencies), ...builtinModules]);
      const missing = new Set<string>();
      const walk = (dir: string): void => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) walk(path);
          else if (entry.name.endsWith('.js')) {
            const code = readFileSync(path, 'utf8');
            // `from` then a space: never the property name in a decorator's `"from", void 0`.
            for (const [, specifier] of code.matchAll(
              /(?:\bfrom\s+|\bimport\(?\s*)['"]([^'"./][^'"]*)['"]/g,
            )) {
              const name = specifier.startsWith('@')
                ? specifier.split('/').slice(0, 2).join('/')
                : specifier.split('/')[0];
              if (!allowed.has(name.replace(/^node:/, '')))
                missing.add(`${relative(context, path)}: ${name}`);
            }
          }
        }
      };
      walk(join(context, 'dist'));
      expect([...missing]).toEqual([]);
    });

    it('starts with the image CMD and ENV and passes its HEALTHCHECK; fails it once stopped', async () => {
      const port = await freePort();
      const [command, ...args] = execForm(single(runtime, 'CMD'));
      expect(command).toBe('node');
      const server = spawn(process.execPath, args, {
        cwd: context,
        env: {
          PATH: process.env.PATH ?? '',
          ...runtimeEnv(),
          PORT: String(port),
          JWT_SECRET: 'x'.repeat(32),
          LOG_LEVEL: 'warn',
        },
        stdio: 'ignore',
      });
      const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
      try {
        // Start-up has no event to await from outside: probe, as Docker does, until a deadline.
        const deadline = Date.now() + 30_000;
        let status = await runNodeHealthcheck(healthcheck(), port);
        while (status !== 0 && Date.now() < deadline) status = await runNodeHealthcheck(healthcheck(), port);
        expect(status).toBe(0);
        const page = await fetch(`http://127.0.0.1:${port}/`);
        expect([page.status, page.headers.get('content-type')]).toEqual([
          200,
          expect.stringContaining('text/html'),
        ]);
      } finally {
        server.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
      expect(await runNodeHealthcheck(healthcheck(), port)).toBe(1);
    }, 60_000);
  });

  it('HEALTHCHECK reports a draining gateway as unhealthy', async () => {
    const gateway = await startGateway();
    try {
      expect(await runNodeHealthcheck(healthcheck(), gateway.port)).toBe(0);
      await gateway.app.get(ShutdownDrain).drain();
      expect(await runNodeHealthcheck(healthcheck(), gateway.port)).toBe(1);
    } finally {
      await gateway.close();
    }
  });
});
