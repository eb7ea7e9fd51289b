// A certificate authority and certificates for one run, made with the openssl command line
// (Debian's openssl): an EC P-256 CA, then for each name a key (PKCS#8, as Kafka's PEM key stores
// require) and a certificate signed by the CA, valid for 127.0.0.1 and localhost (and the addresses
// a container runtime gives the node) as server and as client. Each key store is one PEM file holding the key and the certificate chain, which is what
// Kafka's ssl.keystore.type=PEM and broker-ts both read; the trust store is the CA certificate.
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../errors.js';
import { requireTool } from '../provision/tools.js';

export interface CertificateAuthority {
  dir: string;
  /** The CA certificate (PEM file): every listener's trust store. */
  certFile: string;
  keyFile: string;
  certPem: string;
}

export interface IssuedCertificate {
  name: string;
  /** Private key and certificate chain in one PEM file (ssl.keystore.location with ssl.keystore.type=PEM). */
  keyStoreFile: string;
  keyPem: string;
  certPem: string;
}

/** Addresses every certificate is valid for: the process runtime runs everything on loopback. */
const LOOPBACK_NAMES = ['IP:127.0.0.1', 'DNS:localhost'];
const VALID_DAYS = '30';

function openssl(args: string[], what: string): void {
  const run = spawnSync('openssl', args, { encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    throw new HarnessError(`openssl could not ${what}: ${(run.stderr || run.error?.message || `exit ${run.status}`).trim()}`);
  }
}

/** A new EC P-256 key in `keyFile` and an X.509 certificate for it in `certFile`: self-signed, or signed by a CA named in `extra`. */
function newKeyAndCertificate(keyFile: string, certFile: string, commonName: string, extra: string[], what: string): void {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      VALID_DAYS,
      '-subj',
      `/CN=${commonName}`,
      ...extra,
    ],
    what,
  );
}

export function createCertificateAuthority(dir: string, commonName: string): CertificateAuthority {
  requireTool('openssl', 'make the certificates of a run with --security ssl or sasl_ssl');
  const certFile = join(dir, 'ca.pem');
  const keyFile = join(dir, 'ca.key');
  newKeyAndCertificate(
    keyFile,
    certFile,
    commonName,
    [
      ['-addext', 'basicConstraints=critical,CA:TRUE'],
      ['-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    ].flat(),
    'create a certificate authority',
  );
  chmodSync(keyFile, 0o600);
  return { dir, certFile, keyFile, certPem: readFileSync(certFile, 'utf8') };
}

/** A certificate for `name`, valid for loopback and for the IP addresses in `addresses` too. */
export function issueCertificate(ca: CertificateAuthority, name: string, addresses: readonly string[] = []): IssuedCertificate {
  const keyFile = join(ca.dir, `${name}.key`);
  const certFile = join(ca.dir, `${name}.crt`);
  newKeyAndCertificate(
    keyFile,
    certFile,
    name,
    [
      ['-CA', ca.certFile, '-CAkey', ca.keyFile],
      ['-addext', `subjectAltName=${[...LOOPBACK_NAMES, ...addresses.map((a) => `IP:${a}`)].join(',')}`],
      ['-addext', 'basicConstraints=critical,CA:FALSE'],
      ['-addext', 'keyUsage=critical,digitalSignature,keyAgreement'],
      ['-addext', 'extendedKeyUsage=serverAuth,clientAuth'],
    ].flat(),
    `issue a certificate for ${name}`,
  );
  const keyPem = readFileSync(keyFile, 'utf8');
  const certPem = readFileSync(certFile, 'utf8');
  const keyStoreFile = join(ca.dir, `${name}.keystore.pem`);
  writeFileSync(keyStoreFile, `${keyPem.trim()}\n${certPem.trim()}\n${ca.certPem.trim()}\n`, { mode: 0o600 });
  return { name, keyStoreFile, keyPem, certPem };
}
