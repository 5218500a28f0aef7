// Certificates for the secured-frontend tests, made with the openssl CLI in a temporary folder: a
// CA, the frontend's certificate (for a name that is not the address, so clients must set the
// server name), Switchyard's client certificate, and one from another CA that must be refused.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FRONTEND_NAME = 'frontend.switchyard.test';

export interface CertPair {
  cert: string;
  key: string;
}

export interface TestPki {
  caCert: string;
  server: CertPair;
  /** Switchyard's client certificate, and the server's own system worker's. */
  client: CertPair;
  /** Signed by a CA the server does not trust. */
  stranger: CertPair;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string): CertPair {
  const pair = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  openssl(dir, [
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    pair.key,
    '-out',
    pair.cert,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return pair;
}

/** A leaf certificate (rustls and Go both want a v3 certificate with a SAN). */
function makeLeaf(dir: string, name: string, ca: CertPair, altName: string): CertPair {
  const pair = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  const ext = join(dir, `${name}.ext`);
  writeFileSync(
    ext,
    [
      `subjectAltName=${altName}`,
      'extendedKeyUsage=serverAuth,clientAuth',
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      '',
    ].join('\n'),
  );
  openssl(dir, ['req', ...EC_KEY, '-keyout', pair.key, '-out', join(dir, `${name}.csr`), '-subj', `/CN=${name}`]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    join(dir, `${name}.csr`),
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-out',
    pair.cert,
    '-days',
    '2',
    '-extfile',
    ext,
  ]);
  return pair;
}

export function makeTestPki(dir: string): TestPki {
  const ca = makeCa(dir, 'switchyard-test-ca');
  const otherCa = makeCa(dir, 'other-ca');
  return {
    caCert: ca.cert,
    server: makeLeaf(dir, 'frontend', ca, `DNS:${FRONTEND_NAME}`),
    client: makeLeaf(dir, 'switchyard', ca, 'DNS:switchyard.switchyard.test'),
    stranger: makeLeaf(dir, 'stranger', otherCa, 'DNS:switchyard.switchyard.test'),
  };
}
