import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type Server } from 'node:tls';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A test certificate authority, a server certificate for localhost and 127.0.0.1, and a client certificate, made with openssl. */
export async function makeCertificates() {
  const dir = await mkdtemp(path.join(tmpdir(), 'k2flow-tls-'));
  const file = (name: string) => path.join(dir, name);
  const ssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  await ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=k2flow test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  for (const [name, subject, ext] of [
    ['server', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth'],
    ['client', '/CN=k2flow-worker', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    await writeFile(file(`${name}.ext`), `${ext}\n`);
    await ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', subject, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    await ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
  }
  return { dir, ca: file('ca.pem'), serverCert: file('server.pem'), serverKey: file('server.key'), clientCert: file('client.pem'), clientKey: file('client.key'), remove: () => rm(dir, { recursive: true, force: true }) };
}

export type Certificates = Awaited<ReturnType<typeof makeCertificates>>;

/**
 * TLS in front of a plaintext Temporal frontend, as a secured cluster's load balancer would be:
 * a real TLS handshake (HTTP/2 by ALPN, and with `requireClientCertificate`, mTLS against the test
 * CA) whose stream is passed on to the dev server. The CLI's dev server itself takes no certificates.
 */
export async function startTlsProxy(backend: string, certs: Certificates, { requireClientCertificate }: { requireClientCertificate: boolean }) {
  const [host, port] = [backend.slice(0, backend.lastIndexOf(':')), Number(backend.slice(backend.lastIndexOf(':') + 1))];
  const server: Server = createServer(
    {
      key: await readFile(certs.serverKey),
      cert: await readFile(certs.serverCert),
      ca: await readFile(certs.ca),
      requestCert: requireClientCertificate,
      rejectUnauthorized: requireClientCertificate,
      ALPNProtocols: ['h2'],
    },
    (socket) => {
      const upstream = connect(port, host);
      socket.pipe(upstream).pipe(socket);
      const close = () => {
        socket.destroy();
        upstream.destroy();
      };
      socket.on('error', close);
      upstream.on('error', close);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
