import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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

/**
 * Serves `@socket.io/admin-ui`'s built UI (`ui/dist`) at {@link ADMIN_UI_PATH}, its page
 * rewritten by {@link localAdminPage}, and the fonts it needs from `@fontsource/roboto` and
 * `@mdi/font`. Registered only when the admin UI is on: otherwise the path is a plain 404.
 */
export function serveAdminUi(app: NestExpressApplication): void {
  const dist = join(packageDir('@socket.io/admin-ui'), 'ui', 'dist');
  const page = localAdminPage(readFileSync(join(dist, 'index.html'), 'utf8'));
  const base = ADMIN_UI_PATH.slice(0, -1);
  app.use(base, (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // `/admin` → `/admin/`: the page's relative URLs (css/…, js/…) resolve under the slash only.
    if (req.originalUrl === base || req.originalUrl.startsWith(`${base}?`)) {
      return res.redirect(301, ADMIN_UI_PATH + req.originalUrl.slice(base.length));
    }
    if (req.path !== '/' && req.path !== '/index.html') return next();
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(page);
  });
  const assets = {
    setHeaders: (res: Response) => res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY),
  };
  app.useStaticAssets(join(packageDir('@fontsource/roboto')), {
    prefix: `${ADMIN_UI_PATH}fonts/roboto/`,
    ...assets,
  });
  app.useStaticAssets(join(packageDir('@mdi/font')), { prefix: `${ADMIN_UI_PATH}fonts/mdi/`, ...assets });
  app.useStaticAssets(dist, { prefix: ADMIN_UI_PATH, index: false, redirect: false, ...assets });
}
