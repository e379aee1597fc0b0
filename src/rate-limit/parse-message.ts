/**
 * Reads hit counts and thresholds out of a 10016 RequestExceededRateLimit message.
 *
 * The vendor documents only that the text "contains the actual hit count for each of the three categories and
 * the current thresholds"; its exact wording is unknown. The parser therefore accepts the simulator's format
 * (`Installation hits 2401 of 2400, user hits 1700 of 1800, session hits 1201 of 1200 in the last 60 seconds.`)
 * and close variants: any case and order, `/` or `out of` instead of `of`, `hit count`, `:` or `=` separators,
 * thousands separators, and missing parts (their fields stay undefined). Unrecognised text yields `{}`.
 */
import type { RateLimitCounts } from '../errors';

const SCOPES = ['installation', 'user', 'session'] as const;
// Digits with optional thousands groups ("1,201", "1 201"); a bare run of digits otherwise.
const NUMBER = String.raw`(\d{1,3}(?:[,.\u00a0 ]\d{3})+(?!\d)|\d+)`;

function toInt(raw: string): number {
  return Number(raw.replace(/[,.\u00a0 ]/g, ''));
}

export function parseRateLimitMessage(text: string): RateLimitCounts {
  const counts: RateLimitCounts = {};
  if (!text) return counts;
  for (const scope of SCOPES) {
    // "<scope> hits 2401 of 2400", "<scope> hit count: 2401 / 2400", "<scope>: 2401 out of 2400"
    const re = new RegExp(String.raw`\b${scope}\b[^\d]{0,24}?${NUMBER}\s*(?:of|out of|/|>|exceeds?|exceeding)\s*(?:the\s+)?(?:limit\s+|threshold\s+)?(?:of\s+)?${NUMBER}`, 'i');
    const m = re.exec(text);
    if (!m) continue;
    const hits = toInt(m[1]);
    const limit = toInt(m[2]);
    if (Number.isFinite(hits)) counts[`${scope}Hits`] = hits;
    if (Number.isFinite(limit)) counts[`${scope}Limit`] = limit;
  }
  return counts;
}

/** The rolling window named in the message ("in the last 60 seconds"), when present. */
export function parseRateLimitWindowInMs(text: string): number | undefined {
  const m = /\b(?:last|past|rolling(?:\s+window)?(?:\s+of)?)\s+(\d+)\s*(seconds?|secs?|s|minutes?|mins?)\b/i.exec(text ?? '');
  if (!m) return undefined;
  const n = Number(m[1]);
  return /^m/i.test(m[2]) ? n * 60_000 : n * 1000;
}
