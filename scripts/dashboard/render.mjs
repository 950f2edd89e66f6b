#!/usr/bin/env node
// Draws deploy/grafana/switchboard.json from a recording of real /metrics scrapes
// (record-scrapes.mjs) and screenshots it in Chromium: every panel's own PromQL, evaluated by
// promql-evaluator.mjs at each scrape, in the dashboard's layout. It is not Grafana (no Grafana
// package installs here); the caption on the picture says so.
//
//   npm run dashboard:render [-- recording.json.gz out.png]
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { chartPage } from './chart-page.mjs';
import { evaluateRange, parseExposition } from './promql-evaluator.mjs';

const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const recordingFile = process.argv[2] ?? join(ROOT, 'docs', 'dashboard-recording.json.gz');
const out = process.argv[3] ?? join(ROOT, 'docs', 'dashboard.png');
const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy', 'grafana', 'switchboard.json'), 'utf8'));
const recording = JSON.parse(gunzipSync(readFileSync(recordingFile)).toString('utf8'));

const steps = recording.scrapes.map(({ t, lines }) => ({ t, samples: parseExposition(lines.join('\n')) }));
// Grafana's $__rate_interval for a step equal to the scrape interval: four scrape intervals.
const rateInterval = `${(4 * recording.scrapeMs) / 1000}s`;
const results = new Map();
for (const panel of dashboard.panels) {
  if (panel.type === 'row') continue;
  const series = [];
  for (const target of panel.targets) {
    const expr = target.expr.replaceAll('$__rate_interval', rateInterval).replaceAll('$instance', '.*');
    for (const { labels, points } of evaluateRange(expr, steps)) {
      const legend = (target.legendFormat ?? '')
        .replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name) => labels[name] ?? '')
        .trim();
      series.push({ legend: legend || JSON.stringify(labels), labels, points });
    }
  }
  series.sort((a, b) => a.legend.localeCompare(b.legend));
  results.set(panel.id, series);
}

const range = { from: steps[0].t, to: steps.at(-1).t, step: recording.scrapeMs };
const minutes = ((range.to - range.from) / 60000).toFixed(1);
const caption =
  `Not Grafana: a static rendering of this dashboard's panels from ${steps.length} recorded /metrics scrapes ` +
  `(every ${recording.scrapeMs / 1000} s for ${minutes} min) of two gateway instances on Redis, recorded ${recording.recorded.slice(0, 10)} ` +
  `by scripts/dashboard/record-scrapes.mjs (steady traffic, refused commands, a reconnect storm, clients that resync, ` +
  `a rolling restart of gw-b). Each panel's PromQL is evaluated by scripts/dashboard/promql-evaluator.mjs ` +
  `($__rate_interval = ${rateInterval}; rate() without extrapolation).`;
const width = 1800;
const html = chartPage({ dashboard, results, grid: { width: width - 24, row: 38 }, range, caption });
// The page itself, for a look in a browser; the picture is what docs/ keeps.
writeFileSync(join(tmpdir(), 'switchboard-dashboard.html'), html);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
  // Offline by construction: any request but the page itself fails the rendering.
  await page.route('**/*', (route) => route.abort());
  await page.setContent(html, { waitUntil: 'load' });
  await page.screenshot({ path: out, fullPage: true });
} finally {
  await browser.close();
}
process.stderr.write(`rendered ${results.size} panels to ${out}\n`);
