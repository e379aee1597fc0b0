/**
 * `npm run bench [-- <scenario>...] [--quick]`: runs benchmark scenarios against the simulator and prints their
 * numbers. With no scenario it runs rate-limit then overhead; each prints its table and a machine-readable last
 * line. `--quick` (scripts/bench/quick.ts) shrinks the sizes to check that the bench runs, as CI does.
 * Scenarios live one per file in scripts/bench/ and export `run(): Promise<string>` (the machine-readable line).
 */
import * as path from 'node:path';

const SCENARIOS = ['overhead', 'rate-limit', 'shared', 'sustained', 'vendor'] as const;
/**
 * The default run ends with the overhead line (its contract); `shared` needs Redis, `sustained` takes ~45 s and
 * `vendor` builds a second contract (~2 min), so they run only when asked.
 */
const DEFAULT_RUN = ['rate-limit', 'overhead'];

async function main(): Promise<void> {
  const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = asked.filter((a) => !(SCENARIOS as readonly string[]).includes(a));
  if (unknown.length) {
    console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`);
    process.exit(2);
  }
  const chosen = asked.length ? asked : DEFAULT_RUN;
  const lines: string[] = [];
  for (const name of chosen) {
    console.log(`\n=== ${name} ===`);
    const mod = (await import(path.join(__dirname, `${name}.ts`))) as { run(): Promise<string> };
    lines.push(await mod.run());
  }
  // The machine-readable lines come last, one per scenario, in the order run.
  console.log('');
  for (const line of lines) console.log(line);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
