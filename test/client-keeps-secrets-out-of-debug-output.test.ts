import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TS_EXEC_ARGV } from './support/ts-child';

test('with DEBUG=* and failing calls, stdout and stderr carry no password and no ticket', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pws-debug-'));
  try {
    const ticketsFile = path.join(dir, 'tickets.json');
    const child = spawnSync(process.execPath, [...TS_EXEC_ARGV, path.join(__dirname, 'support', 'debug-child.ts'), ticketsFile], {
      cwd: path.join(__dirname, '..'),
      env: { ...process.env, DEBUG: '*' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.status).toBe(0);
    const output = `${child.stdout}\n${child.stderr}`;
    // The debug output is really on: the SDK's own namespace wrote something, and the errors were printed.
    expect(output).toContain('projector:');
    expect(output).toContain('LockNotFoundError');
    expect(output).toContain('AuthenticationError');
    const tickets = JSON.parse(readFileSync(ticketsFile, 'utf8')) as string[];
    expect(tickets.length).toBeGreaterThan(0);
    expect(output).not.toContain('Debug-Secret-Pa55');
    for (const t of tickets) expect(output).not.toContain(t);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
