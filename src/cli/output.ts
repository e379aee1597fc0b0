/**
 * What the CLI prints: with --json one JSON object per command on stdout (errors included, so a script reads one
 * stream), otherwise short human lines, errors on stderr.
 */
import { isProjectorError } from '../errors';
import type { RateLimitSnapshot } from '../types';

export interface Output {
  json: boolean;
  /** The command's result: `text` for people, `data` for --json. */
  result(text: string, data: Record<string, unknown>): void;
  failure(error: unknown, exitCode: number): void;
}

export function createOutput(json: boolean, out = process.stdout, err = process.stderr): Output {
  return {
    json,
    result(text, data) {
      out.write(json ? `${JSON.stringify({ ok: true, ...data })}\n` : `${text}\n`);
    },
    failure(error, exitCode) {
      const safe = isProjectorError(error) ? error.toJSON() : { name: (error as Error)?.name ?? 'Error', message: (error as Error)?.message ?? String(error) };
      if (json) out.write(`${JSON.stringify({ ok: false, exitCode, error: safe })}\n`);
      else err.write(`projector: ${safe.message as string}${isProjectorError(error) ? ` [${error.code}]` : ''}\n`);
    },
  };
}

const BAR_WIDTH = 30;

/** `[#######.......]` for hits against a limit; full (and marked) when over. */
export function bar(hits: number, limit: number, width = BAR_WIDTH): string {
  const ratio = limit > 0 ? hits / limit : 0;
  const filled = Math.min(width, Math.round(ratio * width));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]${ratio > 1 ? ' OVER' : ''}`;
}

export function rateLimitTable(s: RateLimitSnapshot): string {
  const rows: [string, number, number][] = [
    ['installation', s.installationHitCount, s.installationRateLimit],
    ['user', s.userHitCount, s.userRateLimit],
    ['session', s.sessionHitCount, s.sessionRateLimit],
  ];
  const num = Math.max(...rows.flatMap(([, h, l]) => [String(h).length, String(l).length]));
  const lines = rows.map(([name, hits, limit]) => {
    const pct = limit > 0 ? `${((hits / limit) * 100).toFixed(1)}%` : '-';
    return `${name.padEnd(12)} ${String(hits).padStart(num)} / ${String(limit).padStart(num)}  ${bar(hits, limit)} ${pct.padStart(6)}`;
  });
  const header = `rate limiting ${s.enabledFlag ? 'enabled' : 'DISABLED'}, rolling window ${s.rollingWindowSeconds} s`;
  return [header, ...lines].join('\n');
}
