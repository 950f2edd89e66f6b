import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { evaluateRange, parseExposition, type Step } from '../../scripts/dashboard/promql-evaluator.mjs';
import { repoPath, readRepoFile } from './support/repo-files.js';

/**
 * The evaluator behind docs/dashboard.png: right on hand-computed cases, and able to draw every
 * query of the dashboard from the committed recording (so no panel in the picture is a guess).
 */
const step = (t: number, text: string): Step => ({ t: t * 1000, samples: parseExposition(text) });

describe('dashboard rendering (scripts/dashboard)', () => {
  it('computes rate (with a counter reset), sum by, ratios and histogram_quantile as Prometheus does', () => {
    const steps = [
      step(0, 'c_total{instance="a",k="x"} 10\nc_total{instance="b",k="x"} 0\ng{instance="a"} 4'),
      step(2, 'c_total{instance="a",k="x"} 20\nc_total{instance="b",k="x"} 4\ng{instance="a"} 4'),
      step(4, 'c_total{instance="a",k="x"} 6\nc_total{instance="b",k="x"} 8\ng{instance="a"} 2'),
    ];
    // a: +10, then a reset to 6 (counted as +6) over 4 s; b: +8 over 4 s.
    expect(evaluateRange('sum by (k) (rate(c_total[10s]))', steps).at(0)?.points.at(-1)).toEqual([
      4000,
      16 / 4 + 8 / 4,
    ]);
    expect(evaluateRange('sum by (instance) (rate(c_total[10s])) / g', steps)).toEqual([
      {
        labels: { instance: 'a' },
        points: [
          [2000, 5 / 4],
          [4000, 4 / 2],
        ],
      },
    ]);
    const histogram = [0, 2].map((t) =>
      step(
        t,
        ['0.1', '0.5', '1', '+Inf']
          .map((le, i) => `h_bucket{le="${le}"} ${t === 0 ? 0 : [10, 90, 100, 100][i]}`)
          .join('\n'),
      ),
    );
    // 100 observations: 10 ≤ 0.1, 80 in (0.1, 0.5], 10 in (0.5, 1]. p50: rank 50 → 0.1 + 0.4 × 40/80.
    const [p50] = evaluateRange('histogram_quantile(0.5, sum by (le) (rate(h_bucket[5s])))', histogram);
    expect(p50.points).toHaveLength(1);
    expect(p50.points[0][1]).toBeCloseTo(0.3, 10);
    expect(() => evaluateRange('max(rate(c_total[10s]))', steps)).toThrow(/unsupported aggregation max/);
  });

  it('evaluates every query of the dashboard over the recording the picture was drawn from', () => {
    const dashboard = JSON.parse(readRepoFile('deploy/grafana/switchboard.json')) as {
      panels: { type: string; title: string; targets?: { expr: string }[] }[];
    };
    const recording = JSON.parse(
      gunzipSync(readFileSync(repoPath('docs/dashboard-recording.json.gz'))).toString(),
    ) as {
      scrapeMs: number;
      scrapes: { t: number; lines: string[] }[];
    };
    const steps = recording.scrapes.map(({ t, lines }) => ({
      t,
      samples: parseExposition(lines.join('\n')),
    }));
    expect(steps.length).toBeGreaterThan(30);
    const empty: string[] = [];
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      const series = (panel.targets ?? []).flatMap(({ expr }) =>
        evaluateRange(expr.replaceAll('$__rate_interval', '8s').replaceAll('$instance', '.*'), steps),
      );
      if (series.length === 0) empty.push(panel.title);
    }
    expect(empty).toEqual([]);
  });
});
