/**
 * A service account: no password in the service, only an OAuth 2 client application's refresh token. The client
 * turns it into access tokens (they are Projector session tickets), refreshes them ahead of expiry, and hands every
 * rotated refresh token to `onRefreshToken` so you can store it (a secret store, not a log line).
 *
 * Run: `npx ts-node examples/oauth-job.ts` (starts the simulator, whose demo client application issues the first
 * refresh token; against a real server a person gets it once with `projector oauth authorize-url` and
 * `projector oauth exchange`).
 */
import { ProjectorClient } from '../src';
import { DEFAULT_ACCOUNT, DEMO_OAUTH_CLIENT, startSimulator } from '../src/simulator';

async function main(): Promise<void> {
  const sim = await startSimulator();
  let storedRefreshToken = sim.oauth.issueRefreshToken({ clientId: DEMO_OAUTH_CLIENT.clientId, userName: DEFAULT_ACCOUNT.users[0].userName });
  let rotations = 0;
  await using client = new ProjectorClient({
    endpoint: sim.url,
    oauth: {
      clientId: DEMO_OAUTH_CLIENT.clientId,
      clientSecret: DEMO_OAUTH_CLIENT.clientSecret,
      refreshToken: storedRefreshToken,
      // Awaited before the old token is dropped: persist it here, or the next restart starts from a dead token.
      onRefreshToken: async (token) => {
        storedRefreshToken = token;
        rotations++;
      },
    },
  });
  try {
    const limits = await client.testRateLimiter();
    const set = await client.acquireLocks({ locks: [{ entityIdentity: { entityCode: 'P001468-001', lockType: 'P' } }], durationInSeconds: 60 });
    await client.releaseLocks(set.lockSetId);
    console.log(`worked as a service account: session limit ${limits.snapshot?.sessionRateLimit}, lock set ${set.lockSetId} released`);
    console.log(`refresh token rotated ${rotations} time(s); the stored one is ${storedRefreshToken ? 'current' : 'missing'}`);
  } finally {
    await client.close();
    await sim.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
