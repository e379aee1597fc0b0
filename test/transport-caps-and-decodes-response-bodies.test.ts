import * as zlib from 'node:zlib';
import type { ServerResponse } from 'node:http';
import { ResponseFormatError, TransportError } from '../src/errors';
import { HttpTransport } from '../src/soap/http-transport';
import { REQUEST, envelope, reply, startServer, type Loopback, failure } from './support/transport-servers';

const headers = { 'Content-Type': 'text/xml; charset=utf-8' };

/** Writes `parts` as separate TCP writes, a macrotask apart, so the client sees them as separate chunks. */
async function writeInParts(res: ServerResponse, parts: Buffer[]): Promise<void> {
  for (const part of parts) {
    res.write(part);
    await new Promise((r) => setTimeout(r, 1));
  }
  res.end();
}

describe('HttpTransport response bodies', () => {
  const transport = new HttpTransport({ maxResponseBytes: 256 * 1024 });
  const servers: Loopback[] = [];
  const serve = async (handler: Parameters<typeof startServer>[0]) => {
    const server = await startServer(handler);
    servers.push(server);
    return server;
  };
  afterAll(async () => {
    transport.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  it('aborts a body over the cap while it streams, long before the server has sent it all', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    let closed = false;
    const server = await serve(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.on('close', () => (closed = true));
      while (!closed && sent < 200) {
        sent++;
        if (!res.write(chunk)) {
          await new Promise<void>((r) => {
            const go = () => {
              res.off('drain', go).off('close', go);
              r();
            };
            res.on('drain', go).on('close', go);
          });
        }
      }
      res.end();
    });
    const err = await failure(transport.post(server.url, REQUEST, headers));
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ code: 'TransportError', retryable: false, requestSent: true });
    expect(err.message).toContain(`exceeds the maxResponseBytes cap of ${256 * 1024} bytes`);
    expect(sent).toBeLessThan(200); // 12.5 MB were on offer
  });

  it('rejects a Content-Length over the cap without reading the body', async () => {
    const server = await serve(reply(' '.repeat(300 * 1024), 200, { 'content-type': 'text/xml', 'content-length': String(300 * 1024) }));
    await expect(transport.post(server.url, REQUEST, headers)).rejects.toThrow(/exceeds/);
  });

  it('applies the cap to the decompressed bytes (a gzip bomb fails, with the default 10 MB cap)', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20)); // ~20 KB on the wire
    const server = await serve(reply(bomb as unknown as string, 200, { 'content-type': 'text/xml', 'content-encoding': 'gzip' }));
    const standard = new HttpTransport();
    try {
      const err = await failure(standard.post(server.url, REQUEST, headers));
      expect(bomb.length).toBeLessThan(10 * 1024 * 1024);
      expect(err).toBeInstanceOf(TransportError);
      expect(err.message).toContain(`exceeds the maxResponseBytes cap of ${10 * 1024 * 1024} bytes`);
    } finally {
      standard.close();
    }
  });

  it.each([
    ['gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['deflate', zlib.deflateRawSync],
  ] as const)('decodes a %s body (%#)', async (encoding, compress) => {
    const xml = envelope(`<PingResult xmlns="urn:test">${'compressible '.repeat(1000)}é</PingResult>`);
    const server = await serve(reply(compress(Buffer.from(xml)) as unknown as string, 200, { 'content-type': 'text/xml; charset=utf-8', 'content-encoding': encoding }));
    expect((await transport.post(server.url, REQUEST, headers)).body).toBe(xml);
  });

  it('rejects a corrupt gzip body and an unknown Content-Encoding as ResponseFormatError', async () => {
    const corrupt = await serve(reply(Buffer.from('not gzip at all') as unknown as string, 200, { 'content-type': 'text/xml', 'content-encoding': 'gzip' }));
    await expect(transport.post(corrupt.url, REQUEST, headers)).rejects.toBeInstanceOf(ResponseFormatError);
    const unknown = await serve(reply(envelope('ok'), 200, { 'content-type': 'text/xml', 'content-encoding': 'compress' }));
    await expect(transport.post(unknown.url, REQUEST, headers)).rejects.toThrow(/Content-Encoding "compress"/);
  });

  const text = 'Zoë Ångström, café, naïve ±';
  const xml = envelope(`<Name xmlns="urn:test">${text}</Name>`);
  const swap16 = (b: Buffer) => Buffer.from(b).swap16();
  it.each([
    ['ISO-8859-1', Buffer.from(xml, 'latin1')],
    ['utf-16', Buffer.from(`\ufeff${xml}`, 'utf16le')],
    ['UTF-16LE', Buffer.from(`\ufeff${xml}`, 'utf16le')],
    ['UTF-16BE', swap16(Buffer.from(`\ufeff${xml}`, 'utf16le'))],
    ['utf-16', swap16(Buffer.from(`\ufeff${xml}`, 'utf16le'))],
    ['"utf-8"', Buffer.from(`\ufeff${xml}`, 'utf8')],
  ])('decodes a body in charset %s by its Content-Type (and BOM)', async (charset, bytes) => {
    const server = await serve(reply(bytes as unknown as string, 200, { 'content-type': `text/xml; charset=${charset}` }));
    const res = await transport.post(server.url, REQUEST, headers);
    expect(res.body).toBe(xml);
  });

  it('rejects an unknown charset and invalid UTF-8 as ResponseFormatError', async () => {
    const ebcdic = await serve(reply(envelope('ok'), 200, { 'content-type': 'text/xml; charset=EBCDIC-US' }));
    await expect(transport.post(ebcdic.url, REQUEST, headers)).rejects.toThrow(/unsupported charset "ebcdic-us"/);
    const broken = await serve(reply(Buffer.concat([Buffer.from(envelope('')), Buffer.from([0xc3, 0x28])]) as unknown as string, 200, { 'content-type': 'text/xml; charset=utf-8' }));
    await expect(transport.post(broken.url, REQUEST, headers)).rejects.toBeInstanceOf(ResponseFormatError);
  });

  it('brings a 64 KiB+ text node with spaces and multi-byte characters at chunk edges through byte-exact', async () => {
    // Spaces and a 3-byte '€' straddle every 16 KiB boundary, where the server cuts the body into writes.
    let node = '';
    while (Buffer.byteLength(node) < 70 * 1024) node += `  word€ ${node.length % 7 === 0 ? '\n\t' : ''}`;
    const body = Buffer.from(envelope(`<Notes xmlns="urn:test"> ${node} </Notes>`));
    const cuts = [16384, 16385, 32767, 49152, 65535, 65537];
    const parts = [0, ...cuts].map((start, k) => body.subarray(start, cuts[k] ?? body.length));
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
      void writeInParts(res, parts);
    });
    const big = new HttpTransport();
    try {
      const res = await big.post(server.url, REQUEST, headers);
      expect(Buffer.from(res.body, 'utf8').equals(body)).toBe(true);
    } finally {
      big.close();
    }
  });
});
