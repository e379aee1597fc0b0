/**
 * The `npm run fetch-wsdl` command line: arguments, the contract diff after the run, and the exit codes.
 *
 *   npm run fetch-wsdl -- <service URL> [--out <dir>] [--check] [--format text|markdown] [--timeout-ms <n>]
 *
 * Without --check it replaces wsdl/ (or --out) as before, lists the files written, then prints what changed
 * against the contract it replaced. With --check it writes nothing (the new contract is compiled from a temp
 * folder) and its exit code says what the diff found, so a scheduled CI job can act on it.
 */
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareContracts, type Change } from './contract-diff/compare';
import { formatDiff, type DiffFormat } from './contract-diff/format';
import { EMPTY_CONTRACT, ENTRY_FILE, readContract, type ComparableContract } from './contract-diff/model';
import { collect, fetchWsdl, oneLine } from './fetch-wsdl';

export const EXIT = { same: 0, failed: 1, usage: 2, changed: 3, breaking: 4 } as const;

export const USAGE = 'usage: npm run fetch-wsdl -- <service URL> [--out <dir>] [--check] [--format text|markdown] [--timeout-ms <n>]';

export interface FetchWsdlArgs {
  url: string;
  outDir?: string;
  check: boolean;
  format: DiffFormat;
  /** Per document; default DEFAULT_TIMEOUT_IN_MS. */
  timeoutInMs?: number;
}

/** `<service URL> [--out <dir>] [--check] [--format text|markdown]` (also `--out=` / `--format=`), or `--help`. */
export function parseArgs(args: string[]): FetchWsdlArgs | { help: true } | { error: string } {
  const found: Partial<FetchWsdlArgs> = { check: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--help' || flag === '-h') return { help: true };
    if (flag === '--check') found.check = true;
    else if (flag === '--timeout-ms') {
      const value = inline ?? args[++i];
      const n = Number(value);
      if (!value || !Number.isInteger(n) || n <= 0) return { error: `--timeout-ms needs a positive whole number of milliseconds${value ? `, not ${value}` : ''}` };
      found.timeoutInMs = n;
    } else if (flag === '--out' || flag === '--format') {
      const value = inline ?? args[++i];
      if (!value) return { error: `${flag} needs ${flag === '--out' ? 'a folder' : 'text or markdown'}` };
      if (flag === '--out') {
        if (found.outDir !== undefined) return { error: '--out given twice' };
        found.outDir = value;
      } else {
        if (value !== 'text' && value !== 'markdown') return { error: `--format is text or markdown, not ${value}` };
        found.format = value;
      }
    } else if (arg.startsWith('-')) return { error: `unknown option ${arg}` };
    else if (found.url !== undefined) return { error: `one service URL only (got ${found.url} and ${arg})` };
    else found.url = arg;
  }
  if (!found.url) return { error: 'the service URL is missing' };
  return {
    url: found.url,
    check: found.check!,
    format: found.format ?? 'text',
    ...(found.outDir !== undefined && { outDir: found.outDir }),
    ...(found.timeoutInMs !== undefined && { timeoutInMs: found.timeoutInMs }),
  };
}

const message = (err: unknown) => oneLine(err instanceof Error ? err.message : String(err));

/** The contract in `dir`, or an empty one when there is none yet (every operation then counts as added). */
function readPrevious(dir: string): ComparableContract {
  return existsSync(path.join(dir, ENTRY_FILE)) ? readContract(dir) : EMPTY_CONTRACT;
}

/** The new contract compiled from a temp folder, so that --check leaves every folder of the project alone. */
async function readFetched(url: string, timeoutInMs?: number): Promise<ComparableContract> {
  const docs = await collect(url, timeoutInMs);
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pws-check-'));
  try {
    for (const d of docs) await fs.writeFile(path.join(tmp, d.name), d.text);
    return readContract(tmp);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

function print(changes: Change[], args: FetchWsdlArgs, outDir: string): void {
  const against = path.relative(process.cwd(), outDir) || '.';
  for (const line of formatDiff(changes, args.format, `${against}/ -> ${args.url}`)) console.log(line);
}

const exitCode = (changes: Change[]) =>
  changes.some((c) => c.severity === 'breaking') ? EXIT.breaking : changes.length ? EXIT.changed : EXIT.same;

/** Runs the command; resolves to its exit code. */
export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if ('help' in args) {
    console.log(USAGE);
    return EXIT.same;
  }
  if ('error' in args) {
    console.error(`fetch-wsdl: ${args.error}\n${USAGE}`);
    return EXIT.usage;
  }
  const outDir = path.resolve(args.outDir ?? path.join(__dirname, '..', 'wsdl'));
  if (args.check) {
    try {
      const [before, after] = [readPrevious(outDir), await readFetched(args.url, args.timeoutInMs)];
      const changes = compareContracts(before, after);
      print(changes, args, outDir);
      return exitCode(changes);
    } catch (err) {
      console.error(`fetch-wsdl failed: ${message(err)}`);
      return EXIT.failed;
    }
  }

  // Without --check, a contract that cannot be compared does not stop the refresh it always was.
  let before: ComparableContract | undefined;
  let unreadable: unknown;
  try {
    before = readPrevious(outDir);
  } catch (err) {
    unreadable = err;
  }
  try {
    await fetchWsdl({ url: args.url, outDir, timeoutInMs: args.timeoutInMs });
  } catch (err) {
    console.error(`fetch-wsdl failed: ${message(err)}`);
    return EXIT.failed;
  }
  try {
    if (!before) throw unreadable;
    print(compareContracts(before, readContract(outDir)), args, outDir);
  } catch (err) {
    console.error(`fetch-wsdl: no contract diff (${message(err)})`);
  }
  console.log('next: npm run generate');
  return EXIT.same;
}
