/**
 * `npm run build`: dist/ from scratch. tsc compiles src/ and generated/index.ts; the contract's data
 * (generated/*.json, required at run time) and the wire types (generated/types.d.ts, declarations only) are not
 * compiled, so they are copied next to the compiled index.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'scripts', 'tsconfig.build.json')], { stdio: 'inherit' });
const from = path.join(ROOT, 'generated');
const to = path.join(ROOT, 'dist', 'generated');
for (const file of readdirSync(from).filter((f) => f.endsWith('.json') || f.endsWith('.d.ts'))) copyFileSync(path.join(from, file), path.join(to, file));
