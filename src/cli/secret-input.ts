/**
 * Reads a secret (password, ticket) without it ever being a command-line argument: from stdin when piped, or
 * typed at a TTY prompt with echo off. Shell history and `ps` never see it.
 */
import { UsageError } from './exit-codes';

/** All of stdin, minus one trailing newline (what `echo "$PW" | projector ... --password-stdin` sends). */
export async function readStdinSecret(stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (stdin.isTTY) return promptHidden('Secret: ', stdin);
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const value = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (!value) throw new UsageError('stdin was empty; expected the secret on stdin');
  return value;
}

/** Prompts on stderr and reads one line in raw mode, echoing nothing. Ctrl-C aborts with a usage error. */
export function promptHidden(prompt: string, stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (!stdin.isTTY) return Promise.reject(new UsageError('no TTY to prompt on; set the environment variable or use --password-stdin'));
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003') return finish(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
