import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransportError } from '../src/errors';
import { HttpTransport } from '../src/soap/http-transport';
import { REQUEST, envelope, reply, startServer, failure } from './support/transport-servers';

const headers = { 'Content-Type': 'text/xml; charset=utf-8' };
const OK = envelope('<PingResult xmlns="urn:test">ok</PingResult>');

/** Certificates made fresh with openssl for this run: a private CA, and leaves that fail one check each. */
function makeCertificates(dir: string) {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Transport Test CA');
  const leaf = (name: string, san: string, days: string) => {
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
    run('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=transport-test');
    run('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', days, '-extfile', `${name}.ext`);
    return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.crt`), 'utf8') };
  };
  run('req', '-x509', ...ec, '-keyout', 'self.key', '-out', 'self.crt', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1');
  return {
    ca: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    valid: leaf('valid', 'IP:127.0.0.1', '2'),
    expired: leaf('expired', 'IP:127.0.0.1', '-1'), // notAfter lies in the past
    wrongHost: leaf('wronghost', 'DNS:projector.example.com', '2'),
    selfSigned: { key: readFileSync(join(dir, 'self.key'), 'utf8'), cert: readFileSync(join(dir, 'self.crt'), 'utf8') },
  };
}

describe('HttpTransport TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'transport-tls-'));
  let certs: ReturnType<typeof makeCertificates>;
  let transport: HttpTransport;
  beforeAll(() => {
    certs = makeCertificates(dir);
    transport = new HttpTransport({ tls: { ca: certs.ca } });
  });
  afterAll(() => {
    transport.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('talks to a server whose certificate chains to the configured CA', async () => {
    const server = await startServer(reply(OK), certs.valid);
    try {
      const res = await transport.post(server.url, REQUEST, headers);
      expect(res.status).toBe(200);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['a self-signed certificate', 'selfSigned', /SELF_SIGNED/],
    ['an expired certificate', 'expired', /CERT_HAS_EXPIRED/],
    ['a certificate for another host', 'wrongHost', /ERR_TLS_CERT_ALTNAME_INVALID/],
  ] as const)('rejects %s as a non-retryable TransportError before sending anything', async (_label, which, code) => {
    const server = await startServer(reply(OK), certs[which]);
    try {
      const err = await failure(transport.post(server.url, REQUEST, headers));
      expect(err).toBeInstanceOf(TransportError);
      expect(err).toMatchObject({ code: 'TransportError', retryable: false, requestSent: false });
      expect(err.message).toMatch(code);
      expect(server.requests).toHaveLength(0); // never silently accepted
    } finally {
      await server.close();
    }
  });

  it('does not trust the private CA unless it is configured', async () => {
    const server = await startServer(reply(OK), certs.valid);
    const strict = new HttpTransport();
    try {
      const err = await failure(strict.post(server.url, REQUEST, headers));
      expect(err).toMatchObject({ code: 'TransportError', retryable: false, requestSent: false });
      expect(server.requests).toHaveLength(0);
    } finally {
      strict.close();
      await server.close();
    }
  });
});
