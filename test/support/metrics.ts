import { request } from './http.js';

/** The `/metrics` exposition text of a running gateway. */
export async function scrapeMetrics(url: string): Promise<string> {
  const response = await request<string>(url, 'GET', '/metrics');
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return response.body;
}

/** The values of every sample of `name` whose labels include `labels` (others, such as `instance`, may be present). */
function* samples(text: string, name: string, labels: Record<string, string>): Generator<number> {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map(
      [...(match[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value)) yield Number(match[4]);
  }
}

/** The value of the first sample of `name` with every label in `labels`; `undefined` when none is exposed. */
export function sampleValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const value of samples(text, name, labels)) return value;
  return undefined;
}

/** The sum over every sample of `name` with every label in `labels` (0 when none). */
export function sampleSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const value of samples(text, name, labels)) sum += value;
  return sum;
}
