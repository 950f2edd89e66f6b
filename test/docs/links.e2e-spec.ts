import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The documentation holds together: every relative link and anchor in README.md and
 * docs/*.md resolves (to a file of the repository, and to a heading of it as GitHub names its
 * anchors), and no line is too long to read.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
const LONGEST_LINE = 250;

/** The page's text outside fenced code blocks, line by line (code lines blanked, numbering kept). */
function prose(page: string): string[] {
  let fenced = false;
  return readFileSync(join(ROOT, page), 'utf8')
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        fenced = !fenced;
        return '';
      }
      return fenced ? '' : line;
    });
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_]{1,2}([^*_]+)[*_]{1,2}/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a page's headings, repeats numbered as GitHub does (`-1`, `-2`…). */
function anchorsOf(page: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of prose(page)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = slug(heading[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Every link target of a page with its line: `[text](target)` and `![alt](target)`, code spans excluded. */
function linksOf(page: string): { line: number; target: string }[] {
  return prose(page).flatMap((text, index) =>
    [...text.replace(/`[^`]*`/g, '').matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => ({
      line: index + 1,
      target: match[1],
    })),
  );
}

describe('the documentation (README.md and docs/*.md)', () => {
  it('has pages to check, README first', () => {
    expect(PAGES[0]).toBe('README.md');
    expect(PAGES).toEqual(
      expect.arrayContaining(['docs/protocol.md', 'docs/rest.md', 'docs/configuration.md']),
    );
  });

  it.each(PAGES)('%s: every relative link and anchor resolves', (page) => {
    const broken: string[] = [];
    for (const { line, target } of linksOf(page)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:: not ours to check
      const [path, anchor] = target.split('#', 2);
      const file =
        path === '' ? join(ROOT, page) : resolve(dirname(join(ROOT, page)), decodeURIComponent(path));
      const where = `${page}:${line} → ${target}`;
      if (!file.startsWith(ROOT) || !existsSync(file)) {
        broken.push(`${where}: no such file`);
        continue;
      }
      if (anchor === undefined) continue;
      if (statSync(file).isDirectory() || !file.endsWith('.md')) {
        broken.push(`${where}: an anchor into something that is not a page`);
      } else if (!anchorsOf(relative(ROOT, file)).has(anchor)) {
        broken.push(`${where}: no heading with that anchor`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("the anchor rule is GitHub's: punctuation dropped, spaces to hyphens, repeats numbered", () => {
    expect(slug('Commands (client → server)')).toBe('commands-client--server');
    expect(slug('`GET /health/ready` and **more**')).toBe('get-healthready-and-more');
    expect(slug('How the gateway ends a connection, per transport')).toBe(
      'how-the-gateway-ends-a-connection-per-transport',
    );
  });

  it.each(PAGES)(`%s: no line of prose or table longer than ${LONGEST_LINE} characters`, (page) => {
    const long = prose(page)
      .map((text, index) => ({ line: index + 1, length: text.length }))
      .filter(({ length }) => length > LONGEST_LINE)
      .map(({ line, length }) => `${page}:${line} (${length})`);
    expect(long).toEqual([]);
  });

  it('README.md is a front page: at most 300 lines, the two commands first', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
    expect(readme.length).toBeLessThanOrEqual(300);
    const firstCode = readme.slice(readme.indexOf('```sh') + 1, readme.indexOf('```sh') + 3).join('\n');
    expect(firstCode).toMatch(/^npm ci && npm start\s.*\nnpm test\s/);
  });
});
