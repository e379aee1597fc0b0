/** Small statistics and table helpers shared by the benchmark scenarios. */
export const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

export interface LatencySummary {
  p50: number;
  p95: number;
  mean: number;
  /** Calls per second, one call at a time. */
  throughput: number;
}

export function summarize(samplesInMs: number[]): LatencySummary {
  const sorted = [...samplesInMs].sort((a, b) => a - b);
  const total = sorted.reduce((a, b) => a + b, 0);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), mean: total / sorted.length, throughput: (sorted.length / total) * 1000 };
}

export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
