/**
 * `npm run generate` must be reproducible: two runs over the same WSDL give byte-identical trees, and they equal
 * the committed generated/ (the same drift check .ci/run does with git, here without touching the work tree).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generate } from '../scripts/generate';

const ROOT = path.resolve(__dirname, '..');

async function digestTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out[path.relative(dir, p)] = createHash('sha256').update(await fs.readFile(p)).digest('hex');
    }
  };
  await walk(dir);
  return out;
}

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
  expect(Object.keys(first).length).toBeGreaterThan(10);
  expect(await digestTree(b)).toEqual(first);
  expect(await digestTree(path.join(ROOT, 'generated'))).toEqual(first);
});

it('marks every generated file DO NOT EDIT and excludes it from lint', async () => {
  const a = path.join(tmp, 'a');
  for (const rel of Object.keys(await digestTree(a))) {
    const head = (await fs.readFile(path.join(a, rel), 'utf8')).split('\n').slice(0, 3).join('\n');
    expect(head).toMatch(/^\/\/ DO NOT EDIT\./);
    expect(head).toContain('/* eslint-disable */');
  }
});
