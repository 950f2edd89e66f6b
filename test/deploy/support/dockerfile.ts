/**
 * Just enough of the Dockerfile and .dockerignore grammars to check ours without a Docker
 * engine (none runs on these machines): instructions with line continuations, stages, exec-form
 * JSON arguments, ARG defaults, and .dockerignore's glob patterns with `!` exceptions.
 */
export interface Instruction {
  readonly keyword: string;
  /** The argument text after the keyword, continuations joined. */
  readonly args: string;
}

export interface Stage {
  readonly from: string;
  readonly name?: string;
  readonly instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs before the first FROM, with their defaults. */
  readonly globalArgs: Map<string, string>;
  readonly stages: Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (pending === '' && /^\s*#/.test(line)) continue;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' ';
      continue;
    }
    const whole = (pending + line).trim();
    pending = '';
    if (whole !== '') logical.push(whole);
  }
  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of logical) {
    const match = /^(\w+)\s+(.*)$/s.exec(line);
    if (!match) throw new Error(`unparsable Dockerfile line: ${line}`);
    const keyword = match[1].toUpperCase();
    const args = match[2].replace(/\s+/g, ' ').trim();
    if (keyword === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`unparsable FROM: ${args}`);
      stages.push({ from: from[1], name: from[2], instructions: [] });
    } else if (stages.length === 0) {
      if (keyword !== 'ARG') throw new Error(`${keyword} before the first FROM`);
      const [name, value = ''] = args.split('=', 2);
      globalArgs.set(name, value);
    } else {
      stages[stages.length - 1].instructions.push({ keyword, args });
    }
  }
  return { globalArgs, stages };
}

/** The instructions of one keyword in a stage. */
export function instructions(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword);
}

/** An exec-form argument list (`["node", "dist/main.js"]`), after any `--flag=value` options. */
export function execForm(args: string): string[] {
  const json = args.slice(args.indexOf('['));
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) {
    throw new Error(`not an exec-form list: ${args}`);
  }
  return parsed;
}

/** `COPY [--from=x] src... dest`: the flags, the sources and the destination. */
export function copyArgs(args: string): { from?: string; sources: string[]; dest: string } {
  const words = args.split(' ');
  const flags = words.filter((word) => word.startsWith('--'));
  const paths = words.filter((word) => !word.startsWith('--'));
  const from = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: paths.slice(0, -1), dest: paths[paths.length - 1] };
}

function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * Whether Docker leaves `path` (relative to the context root) out of the build context: the
 * last matching pattern wins, and a pattern that matches a directory excludes what is under it.
 */
export function isIgnored(dockerignore: string, path: string): boolean {
  const rules = dockerignore
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = (negated ? line.slice(1) : line).replace(/^\/+/, '').replace(/\/+$/, '');
      return { negated, regexp: globToRegExp(pattern) };
    });
  const segments = path.split('/');
  const prefixes = segments.map((_, index) => segments.slice(0, index + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (prefixes.some((prefix) => rule.regexp.test(prefix))) ignored = !rule.negated;
  }
  return ignored;
}
