import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** Where the admin UI's page is served; its files use relative URLs, so the trailing slash matters. */
export const ADMIN_UI_PATH = '/admin/';

const require = createRequire(import.meta.url);
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));

/**
 * The stylesheets the published `index.html` loads from CDNs, and the same files from npm
 * packages, served under {@link ADMIN_UI_PATH}: the page then loads nothing from outside (an
 * operator's browser may have no Internet, and a CDN would see every admin session).
 */
const ROBOTO_WEIGHTS = [100, 300, 400, 500, 700, 900];
const EXTERNAL_STYLESHEETS: Record<string, string[]> = {
  'https://fonts.googleapis.com/css?family=Roboto:100,300,400,500,700,900': ROBOTO_WEIGHTS.map(
    (weight) => `fonts/roboto/${weight}.css`,
  ),
  'https://cdn.jsdelivr.net/npm/@mdi/font@latest/css/materialdesignicons.min.css': [
    'fonts/mdi/css/materialdesignicons.min.css',
  ],
};

/**
 * Vuetify and Chart.js set inline styles; everything else, connections included, stays on
 * this origin. A resource from anywhere else is blocked by the browser, not only left out.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The published page with every CDN stylesheet replaced by the local copies; throws if one is left. */
export function localAdminPage(published: string): string {
  let page = published;
  for (const [external, local] of Object.entries(EXTERNAL_STYLESHEETS)) {
    const link = `<link rel="stylesheet" href="${external}">`;
    if (!page.includes(link)) throw new Error(`admin UI page: expected ${link} (package changed?)`);
    page = page.replace(link, local.map((href) => `<link rel="stylesheet" href="${href}">`).join(''));
  }
  const outside = /(?:href|src)="((?:https?:)?\/\/[^"]+)"/.exec(page);
  if (outside) throw new Error(`admin UI page: loads ${outside[1]} from outside`);
  return page;
}

/** `url(...)` references of a stylesheet, without their query or fragment (`../fonts/x.woff2?v=1`). */
function stylesheetUrls(css: string): string[] {
  return [...css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)]
    .map((match) => match[1].replace(/[?#].*$/, ''))
    .filter((url) => url !== '' && !url.startsWith('data:'));
}

/** Every file under `dir`, as paths relative to it with `/` separators. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? filesUnder(dir, path) : [path];
  });
}

/**
 * The stylesheets a page loads, and the fonts those stylesheets point at: `url` (under
 * {@link ADMIN_UI_PATH}) → file. Only these, never the rest of the package (its
 * `package.json`, sources, other weights and formats).
 */
function stylesheetFiles(
  packageRoot: string,
  urlBase: string,
  stylesheets: readonly string[],
): Map<string, string> {
  const files = new Map<string, string>();
  for (const stylesheet of stylesheets) {
    const file = join(packageRoot, stylesheet);
    files.set(posix.join(urlBase, stylesheet), file);
    for (const url of stylesheetUrls(readFileSync(file, 'utf8'))) {
      files.set(posix.join(urlBase, posix.dirname(stylesheet), url), join(dirname(file), url));
    }
  }
  return files;
}

/**
 * The files the admin UI needs, by URL path: the built UI (`ui/dist`, source maps left out),
 * and the stylesheets and fonts of {@link EXTERNAL_STYLESHEETS} from `@fontsource/roboto` and
 * `@mdi/font`. An explicit list: nothing else of those packages is reachable.
 */
export function adminUiFiles(): Map<string, string> {
  const dist = join(packageDir('@socket.io/admin-ui'), 'ui', 'dist');
  const files = new Map<string, string>();
  for (const path of filesUnder(dist)) {
    if (path === 'index.html' || path.endsWith('.map')) continue;
    files.set(`${ADMIN_UI_PATH}${path}`, join(dist, path));
  }
  const roboto = ROBOTO_WEIGHTS.map((weight) => `${weight}.css`);
  const fonts = [
    stylesheetFiles(packageDir('@fontsource/roboto'), `${ADMIN_UI_PATH}fonts/roboto`, roboto),
    stylesheetFiles(packageDir('@mdi/font'), `${ADMIN_UI_PATH}fonts/mdi`, [
      'css/materialdesignicons.min.css',
    ]),
  ];
  for (const map of fonts) for (const [url, file] of map) files.set(url, file);
  return files;
}

/**
 * Serves `@socket.io/admin-ui`'s built UI at {@link ADMIN_UI_PATH}, its page rewritten by
 * {@link localAdminPage}, and exactly the files of {@link adminUiFiles}, matched by exact,
 * case-sensitive path (Express mount paths are case-insensitive: `/ADMIN/` would answer).
 * Registered only when the admin UI is on: otherwise the path is a plain 404.
 */
export function serveAdminUi(app: NestExpressApplication): void {
  const dist = join(packageDir('@socket.io/admin-ui'), 'ui', 'dist');
  const page = localAdminPage(readFileSync(join(dist, 'index.html'), 'utf8'));
  const files = adminUiFiles();
  const base = ADMIN_UI_PATH.slice(0, -1);
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // `/admin` → `/admin/`: the page's relative URLs (css/…, js/…) resolve under the slash only.
    if (req.path === base) return res.redirect(301, ADMIN_UI_PATH + req.originalUrl.slice(base.length));
    const isPage = req.path === ADMIN_UI_PATH || req.path === `${ADMIN_UI_PATH}index.html`;
    const file = files.get(req.path);
    if (!isPage && file === undefined) return next();
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    if (isPage || file === undefined) {
      res.setHeader('Cache-Control', 'no-cache');
      return res.type('html').send(page);
    }
    res.sendFile(file, (error?: Error) => {
      if (error && !res.headersSent) next(error);
    });
  });
}
