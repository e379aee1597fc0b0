/**
 * `npm run simulator [-- --port N]`: runs a simulator with the documented defaults until Ctrl-C.
 */
import { Command } from 'commander';
import { DEFAULT_ACCOUNT, DEMO_PASSWORD, RATE_LIMIT_DEFAULTS, startSimulator } from './index';

async function main(): Promise<void> {
  const program = new Command()
    .name('simulator')
    .description('Local Projector PWS simulator (127.0.0.1)')
    .option('-p, --port <port>', 'port to listen on (0 = any free port)', '8080')
    .option('--non-production', 'add message 136 NonProductionEnvironment to every response', false)
    .option('--rate-limit-mode <mode>', 'Error | Warning | Disabled', RATE_LIMIT_DEFAULTS.mode)
    .parse();
  const opts = program.opts<{ port: string; nonProduction: boolean; rateLimitMode: 'Error' | 'Warning' | 'Disabled' }>();
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) program.error(`invalid port: ${opts.port}`);
  const sim = await startSimulator({ port, nonProductionMessage: opts.nonProduction, rateLimit: { mode: opts.rateLimitMode } });
  // The demo password is public by design (documented contract); it is printed so a developer can log in.
  const users = DEFAULT_ACCOUNT.users.map((u) => u.userName).join(', ');
  process.stdout.write(
    `Projector simulator listening on ${sim.url}\n` +
      `  WSDL:      ${sim.url}?wsdl\n` +
      `  account:   ${DEFAULT_ACCOUNT.accountCode}\n  users:     ${users}\n  password:  ${DEMO_PASSWORD}\n` +
      `  rate limit: ${opts.rateLimitMode} mode\nPress Ctrl-C to stop.\n`,
  );
  const stop = () => void sim.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`simulator failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
