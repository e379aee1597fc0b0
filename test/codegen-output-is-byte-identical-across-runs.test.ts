/**
 * `npm run generate` must be reproducible: two runs over the same WSDL give byte-identical trees, and they equal
 * the committed generated/ (the same drift check .ci/run does with git, here without touching the work tree).
 */
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generate } from '../scripts/generate';
import { digestTree } from './support/digest-tree';

const ROOT = path.resolve(__dirname, '..');

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pws-regen-'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

it('gives byte-identical output on two runs, equal to the committed generated/', async () => {
  const a = path.join(tmp, 'a');
  const b = path.join(tmp, 'b');
  const listed = await generate({ outDir: a, quiet: true });
  await generate({ outDir: b, quiet: true });
  const first = await digestTree(a);
  expect(Object.keys(first)).toHaveLength(listed.length);
  expect(Object.keys(first).sort()).toEqual(['contract.json', 'index.ts', 'model.json', 'types.d.ts']);
  expect(await digestTree(b)).toEqual(first);
  expect(await digestTree(path.join(ROOT, 'generated'))).toEqual(first);
});

it('marks every generated TypeScript file DO NOT EDIT and excludes it from lint; the data files are plain JSON', async () => {
  const a = path.join(tmp, 'a');
  const files = Object.keys(await digestTree(a));
  // JSON carries no comment: the data files are only ever read, never edited or linted as code.
  for (const rel of files.filter((f) => f.endsWith('.json'))) expect(() => JSON.parse(readFileSync(path.join(a, rel), 'utf8')) as unknown).not.toThrow();
  for (const rel of files.filter((f) => f.endsWith('.ts'))) {
    const head = (await fs.readFile(path.join(a, rel), 'utf8')).split('\n').slice(0, 3).join('\n');
    expect(head).toMatch(/^\/\/ DO NOT EDIT\./);
    expect(head).toContain('/* eslint-disable */');
  }
});
