/**
 * Child process for the DEBUG=* secrets test: logs in, makes a failing call and prints the error the way a careless
 * caller would. The live tickets go to a side file (argv[2]) so the parent can search the output for them.
 */
import { writeFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { ProjectorClient } from '../../src';
import { startSimulator } from '../../src/simulator';

const PASSWORD = 'Debug-Secret-Pa55';

async function main(): Promise<void> {
  const sim = await startSimulator({ accounts: [{ accountCode: 'DEMO', users: [{ userName: 'alice@example.com', password: PASSWORD }] }] });
  const client = new ProjectorClient({ endpoint: sim.url, credentials: { accountCode: 'DEMO', userName: 'alice@example.com', password: PASSWORD } });
  await client.checkLocks({ locks: [{ entityIdentity: { entityCode: 'P001468-001', lockType: 'P' } }] });
  writeFileSync(process.argv[2], JSON.stringify(sim.issuedTickets()));
  const err = await client.releaseLocks(999_999).catch((e: unknown) => e);
  console.log(inspect(err, { depth: 10, showHidden: true }));
  console.error(String((err as Error).stack), JSON.stringify(err));
  const bad = new ProjectorClient({ endpoint: sim.url, credentials: { accountCode: 'DEMO', userName: 'alice@example.com', password: `${PASSWORD}-wrong` } });
  console.log(inspect(await bad.authenticate().catch((e: unknown) => e), { depth: 10, showHidden: true }));
  await Promise.all([client.close(), bad.close()]);
  await sim.close();
}

main().catch((e: unknown) => {
  console.error('child failed', e);
  process.exit(1);
});
