export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
export interface Step {
  /** Milliseconds since the epoch. */
  t: number;
  samples: Sample[];
}
export interface Series {
  labels: Record<string, string>;
  points: [number, number][];
}
export function parseExposition(text: string): Sample[];
export function evaluateRange(expr: string, steps: Step[]): Series[];
