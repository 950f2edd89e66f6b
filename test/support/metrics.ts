import { request } from './http.js';

/** The `/metrics` exposition text of a running gateway. */
export async function scrapeMetrics(url: string): Promise<string> {
  const response = await request<string>(url, 'GET', '/metrics');
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return response.body;
}

/**
 * The value of one sample: `name` with every label in `labels` (other labels, such as
 * `instance`, may be present). `undefined` when no such sample is exposed.
 */
export function sampleValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map(
      [...(match[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value)) return Number(match[4]);
  }
  return undefined;
}
