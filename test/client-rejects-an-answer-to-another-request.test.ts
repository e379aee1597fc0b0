/**
 * A response whose ResponseId does not echo this call's RequestId belongs to another request (a proxy mix-up, a
 * replayed body): it is a ResponseFormatError, never a result.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ProjectorClient } from '../src/client';
import { ResponseFormatError } from '../src/errors';
import { startCapture } from './support/loopback';

test('a ResponseId that does not match the RequestId is a ResponseFormatError', async () => {
  const vendorRelease = readFileSync(path.join(__dirname, 'fixtures', 'vendor', 'release-response.xml'), 'utf8');
  const capture = await startCapture((req) => {
    const id = Number(/RequestId[^>]*>(\d+)</.exec(req.body)?.[1] ?? 0);
    return { body: vendorRelease.replace(/(<ResponseId[^>]*>)\d+(<\/ResponseId>)/, `$1${id + 1}$2`) };
  });
  const client = new ProjectorClient({ endpoint: capture.url, sessionTicket: 'AaoSuE89vJzjNFnsXZNioA==' });
  try {
    const err = await client.releaseLocks(3673).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseFormatError);
    expect((err as ResponseFormatError).message).toMatch(/ResponseId \d+ does not match RequestId \d+/);
    expect(capture.requests).toHaveLength(1);
  } finally {
    await client.close();
    await capture.close();
  }
});
