/**
 * The diff as text: one line per change, ` [breaking]` / ` [notable]` where it applies, then the count line; or the
 * same as a CHANGELOG section (`--format markdown`), grouped by severity.
 */
import type { Severity } from './classify';
import type { Change } from './compare';

export type DiffFormat = 'text' | 'markdown';

export const countLine = (changes: readonly Change[]) =>
  `contract: ${changes.length} changes, ${changes.filter((c) => c.severity === 'breaking').length} breaking`;

const suffix = (s: Severity) => (s === 'compatible' ? '' : ` [${s}]`);

const HEADINGS: readonly [Severity, string][] = [
  ['breaking', 'Breaking'],
  ['notable', 'Notable (compatible, but exhaustive switches over results miss the new values)'],
  ['compatible', 'Compatible'],
];

export function formatDiff(changes: readonly Change[], format: DiffFormat, title: string): string[] {
  if (format === 'text') return [...changes.map((c) => `${c.line}${suffix(c.severity)}`), countLine(changes)];
  const out = [`### Service contract: ${title}`, ''];
  for (const [severity, heading] of HEADINGS) {
    const lines = changes.filter((c) => c.severity === severity);
    if (lines.length) out.push(`#### ${heading}`, '', ...lines.map((c) => `- \`${c.line}\``), '');
  }
  if (!changes.length) out.push('No changes.', '');
  out.push(countLine(changes));
  return out;
}
