// Static HTML for a Grafana dashboard's panels: the same 24-column grid, titles, units, legends,
// stacking, thresholds and value mappings, drawn as inline SVG from already evaluated series.
// No script runs in the page and nothing is loaded: it exists to be screenshotted.

const PALETTE = [
  '#73BF69',
  '#F2CC0C',
  '#8AB8FF',
  '#FF780A',
  '#F2495C',
  '#5794F2',
  '#B877D9',
  '#705DA0',
  '#37872D',
  '#FADE2A',
];
const NAMED = { green: '#73BF69', red: '#F2495C', orange: '#FF9830', yellow: '#FADE2A', blue: '#5794F2' };
const color = (name) => NAMED[name] ?? name;
const escape = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** A value as Grafana would print it for `unit` (the units this dashboard uses). */
export function formatValue(value, unit, decimals) {
  const fixed = (v, d = decimals) => {
    if (d !== undefined) return v.toFixed(d);
    const abs = Math.abs(v);
    return abs === 0 ? '0' : abs >= 100 ? v.toFixed(0) : abs >= 10 ? v.toFixed(1) : v.toFixed(2);
  };
  const scaled = (v, steps) => {
    for (const [factor, suffix] of steps) if (Math.abs(v) >= factor) return `${fixed(v / factor)}${suffix}`;
    return fixed(v);
  };
  switch (unit) {
    case 's':
      if (value === 0) return '0 s';
      if (Math.abs(value) < 1e-3) return `${fixed(value * 1e6)} µs`;
      if (Math.abs(value) < 1) return `${fixed(value * 1e3)} ms`;
      return `${fixed(value)} s`;
    case 'bytes':
      return scaled(value, [
        [2 ** 30, ' GiB'],
        [2 ** 20, ' MiB'],
        [2 ** 10, ' KiB'],
        [1, ' B'],
      ]);
    case 'percentunit':
      return `${fixed(value * 100, decimals ?? 0)}%`;
    case 'ops':
      return `${scaled(value, [[1e3, 'K']])} ops/s`;
    case 'cps':
      return `${scaled(value, [[1e3, 'K']])} c/s`;
    case 'bool_yes_no':
      return value ? 'Yes' : 'No';
    default:
      return scaled(value, [
        [1e6, 'M'],
        [1e3, 'K'],
      ]);
  }
}

const legendOf = (format, labels) =>
  (format ?? '').replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name) => labels[name] ?? '').trim() ||
  JSON.stringify(labels);

/** Nice round ticks from 0 (or the minimum) to above the maximum. */
function ticks(min, max) {
  const span = max - min || Math.abs(max) || 1;
  const raw = span / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const list = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 0.001; v += step) list.push(v);
  if (list.at(-1) < max) list.push(list.at(-1) + step);
  return list;
}

function timeseriesSvg(panel, series, size, range) {
  const { width, height } = size;
  const defaults = panel.fieldConfig.defaults;
  const pad = { left: 64, right: 10, top: 8, bottom: 22 };
  const stacked = defaults.custom?.stacking?.mode === 'normal';
  const times = [...new Set(series.flatMap((s) => s.points.map(([t]) => t)))].sort((a, b) => a - b);
  let drawn = series;
  if (stacked) {
    const base = new Map(times.map((t) => [t, 0]));
    drawn = series.map((s) => {
      const at = new Map(s.points);
      return {
        ...s,
        points: times.filter((t) => at.has(t)).map((t) => [t, base.set(t, base.get(t) + at.get(t)).get(t)]),
        floor: times.filter((t) => at.has(t)).map((t) => [t, base.get(t) - at.get(t)]),
      };
    });
  }
  const values = drawn.flatMap((s) => s.points.map(([, v]) => v));
  const steps = (defaults.thresholds?.steps ?? []).filter((step) => step.value !== null);
  const max = Math.max(...values, ...(values.length ? [] : [1]));
  const min = Math.min(0, ...values);
  const yTicks = ticks(min, max > 0 ? max : 1);
  const [y0, y1] = [yTicks[0], yTicks.at(-1)];
  const x = (t) => pad.left + ((t - range.from) / (range.to - range.from)) * (width - pad.left - pad.right);
  const y = (v) => pad.top + (1 - (v - y0) / (y1 - y0 || 1)) * (height - pad.top - pad.bottom);
  const parts = [];
  for (const v of yTicks) {
    parts.push(`<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(v)}" y2="${y(v)}" class="grid"/>`);
    parts.push(
      `<text x="${pad.left - 6}" y="${y(v) + 4}" class="axis" text-anchor="end">${escape(formatValue(v, defaults.unit, defaults.decimals))}</text>`,
    );
  }
  for (let t = Math.ceil(range.from / 20000) * 20000; t <= range.to; t += 20000) {
    const label = new Date(t).toISOString().slice(11, 19);
    parts.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${pad.top}" y2="${height - pad.bottom}" class="grid"/>`);
    parts.push(`<text x="${x(t)}" y="${height - 6}" class="axis" text-anchor="middle">${label}</text>`);
  }
  if (defaults.custom?.thresholdsStyle) {
    for (const step of steps) {
      if (step.value > y1) continue;
      parts.push(
        `<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(step.value)}" y2="${y(step.value)}" stroke="${color(step.color)}" class="threshold"/>`,
      );
    }
  }
  drawn.forEach((s) => {
    // A gap in the data (an instance that stopped answering) breaks the line.
    const runs = [];
    let run = [];
    s.points.forEach(([t, v], i) => {
      if (i > 0 && t - s.points[i - 1][0] > range.step * 1.5) (runs.push(run), (run = []));
      run.push([t, v]);
    });
    runs.push(run);
    for (const points of runs) {
      if (points.length === 0) continue;
      const line = points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      const floor = s.floor
        ? s.floor
            .filter(([t]) => points.some(([pt]) => pt === t))
            .map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`)
        : points.map(([t]) => `${x(t).toFixed(1)},${y(Math.max(y0, 0)).toFixed(1)}`);
      const opacity = (defaults.custom?.fillOpacity ?? 10) / 100;
      parts.push(
        `<polygon points="${line} ${floor.reverse().join(' ')}" fill="${s.color}" fill-opacity="${opacity}" stroke="none"/>`,
      );
      parts.push(`<polyline points="${line}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`);
    }
  });
  if (series.length === 0)
    parts.push(`<text x="${width / 2}" y="${height / 2}" class="nodata" text-anchor="middle">No data</text>`);
  return `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

function statHtml(panel, series) {
  const defaults = panel.fieldConfig.defaults;
  if (series.length === 0) return '<div class="nodata-box">No data</div>';
  const mapping = Object.assign({}, ...(defaults.mappings ?? []).map((m) => m.options));
  const cells = series.map((s) => {
    const value = s.points.at(-1)?.[1];
    const mapped = mapping[String(value)];
    const step = [...(defaults.thresholds?.steps ?? [])]
      .reverse()
      .find((st) => st.value === null || value >= st.value);
    const background = color(mapped?.color ?? step?.color ?? 'blue');
    const text = mapped?.text ?? formatValue(value, defaults.unit, defaults.decimals);
    return `<div class="stat" style="background:${background}"><div class="stat-name">${escape(s.legend)}</div><div class="stat-value">${escape(text)}</div></div>`;
  });
  return `<div class="stats">${cells.join('')}</div>`;
}

/**
 * The page: `panels` as in the dashboard JSON, `results` per panel id: [{ legend, labels, points }].
 * `grid` = { width (px), row (px per grid unit) }; `range` = { from, to, step } in ms.
 */
export function chartPage({ dashboard, results, grid, range, caption }) {
  const column = grid.width / 24;
  const gap = 8;
  const blocks = [];
  for (const panel of dashboard.panels) {
    const { x, y, w, h } = panel.gridPos;
    const style = `left:${x * column}px;top:${y * grid.row}px;width:${w * column - gap}px;height:${h * grid.row - gap}px`;
    if (panel.type === 'row') {
      blocks.push(`<div class="row" style="${style}">${escape(panel.title)}</div>`);
      continue;
    }
    const series = (results.get(panel.id) ?? []).map((s, i) => {
      const override = (panel.fieldConfig.overrides ?? []).find((o) => o.matcher.options === s.legend);
      const fixed = override?.properties.find((p) => p.id === 'color')?.value.fixedColor;
      return { ...s, color: fixed ? color(fixed) : PALETTE[i % PALETTE.length] };
    });
    const body =
      panel.type === 'stat'
        ? statHtml(panel, series)
        : timeseriesSvg(
            panel,
            series,
            {
              width: w * column - gap - 16,
              height: h * grid.row - gap - 40 - (series.length ? 18 * Math.ceil(series.length / 3) : 0),
            },
            range,
          );
    const legend =
      panel.type === 'stat' || series.length === 0
        ? ''
        : `<div class="legend">${series.map((s) => `<span><i style="background:${s.color}"></i>${escape(s.legend)}</span>`).join('')}</div>`;
    blocks.push(
      `<section class="panel" style="${style}"><h2>${escape(panel.title)}</h2>${body}${legend}</section>`,
    );
  }
  const height = Math.max(...dashboard.panels.map((p) => (p.gridPos.y + p.gridPos.h) * grid.row));
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escape(dashboard.title)}</title><style>
body{margin:0;background:#111217;color:#ccccdc;font:13px/1.3 -apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
header{padding:14px 16px 10px}header h1{margin:0;font-size:19px;font-weight:500;color:#fff}header p{margin:4px 0 0;color:#9fa7b3;font-size:12.5px}
.grid{position:relative;margin:0 8px 16px 16px;height:${height}px}
.panel{position:absolute;box-sizing:border-box;background:#181b1f;border:1px solid #2a2d33;border-radius:3px;padding:6px 8px;overflow:hidden}
.panel h2{margin:0 0 4px;font-size:13px;font-weight:500;color:#d8d9da;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.row{position:absolute;font-size:15px;font-weight:500;color:#fff;padding-top:6px}
svg .grid{stroke:#2c3036;stroke-width:1}svg .axis{fill:#9fa7b3;font-size:10.5px}svg .threshold{stroke-dasharray:4 3;stroke-width:1}
svg .nodata,.nodata-box{fill:#6e7580;color:#6e7580;font-size:14px}.nodata-box{text-align:center;padding-top:30px}
.legend{display:flex;flex-wrap:wrap;gap:2px 12px;font-size:11.5px;color:#ccccdc;margin-top:2px}.legend i{display:inline-block;width:12px;height:4px;border-radius:2px;margin:0 5px 2px 0;vertical-align:middle}
.stats{display:flex;gap:6px;height:calc(100% - 24px)}.stat{flex:1;border-radius:3px;display:flex;flex-direction:column;justify-content:center;align-items:center;color:#fff}
.stat-name{font-size:12px;opacity:.9}.stat-value{font-size:24px;font-weight:500}
</style></head><body><header><h1>${escape(dashboard.title)}</h1><p>${escape(caption)}</p></header><div class="grid">${blocks.join('')}</div></body></html>`;
}
