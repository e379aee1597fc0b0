/** `projector simulator`: a local Projector to point code, the demo or this CLI at; runs until Ctrl-C. */
import type { Command } from 'commander';
import { EXIT, UsageError } from '../exit-codes';
import type { Action } from '../run';

const MODES = ['Error', 'Warning', 'Disabled'] as const;

export function register(program: Command, action: Action): void {
  program
    .command('simulator')
    .description('start a local Projector simulator on 127.0.0.1 (account DEMO, users alice@/bob@example.com)')
    .option('-p, --port <port>', 'port to listen on (0 = any free port)', '8080')
    .option('--rate-limit-mode <mode>', `rate limiting: ${MODES.join(' | ')}`, 'Error')
    .option('--window-seconds <n>', 'rate-limit rolling window in seconds', '60')
    .option('--non-production', 'add message 136 NonProductionEnvironment to every response')
    .addHelpText('after', '\nPrints the URL and the demo credentials (public by design), then serves until SIGINT/SIGTERM.')
    .action(action(async (out, globals) => {
      const opts = globals as unknown as { port: string; rateLimitMode: string; windowSeconds: string; nonProduction?: boolean };
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid port: ${opts.port}`);
      const mode = MODES.find((m) => m.toLowerCase() === opts.rateLimitMode.toLowerCase());
      if (!mode) throw new UsageError(`--rate-limit-mode must be one of ${MODES.join(', ')}`);
      const windowSeconds = Number(opts.windowSeconds);
      if (!(windowSeconds > 0)) throw new UsageError('--window-seconds must be positive');
      // Loaded here so the other commands never pay for compiling the simulator's schemas.
      const { startSimulator, DEFAULT_ACCOUNT, DEMO_PASSWORD } = await import('../../simulator');
      const sim = await startSimulator({ port, nonProductionMessage: opts.nonProduction, rateLimit: { mode, windowInMs: windowSeconds * 1000 } });
      const users = DEFAULT_ACCOUNT.users.map((u) => u.userName);
      out.result(
        [
          `Projector simulator listening on ${sim.url}`,
          `  account:    ${DEFAULT_ACCOUNT.accountCode}`,
          `  users:      ${users.join(', ')}`,
          `  password:   ${DEMO_PASSWORD}`,
          `  rate limit: ${mode}, ${windowSeconds} s window`,
          `Try: PROJECTOR_URL=${sim.baseUrl} PROJECTOR_ACCOUNT=${DEFAULT_ACCOUNT.accountCode} PROJECTOR_USER=${users[0]} PROJECTOR_PASSWORD=${DEMO_PASSWORD} projector rate-limit --allow-insecure-http`,
          'Press Ctrl-C to stop.',
        ].join('\n'),
        { command: 'simulator', url: sim.url, baseUrl: sim.baseUrl, accountCode: DEFAULT_ACCOUNT.accountCode, users, rateLimitMode: mode },
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await sim.close();
      return EXIT.ok;
    }));
}
