import { requireTool } from '../provision/tools.js';
import type { OptionSpecs } from './command-spec.js';
import { parseSaslMechanism, parseSecurityMode, type SecuritySettings } from '../security/cluster-security.js';

/** The options that secure a cluster's listeners, for every command that starts clusters. */
export const SECURITY_OPTIONS: OptionSpecs = {
  security: { type: 'string', value: 'plaintext|ssl|sasl_plaintext|sasl_ssl', help: 'TLS and/or SASL on every listener of the cluster (default plaintext)' },
  'sasl-mechanism': { type: 'string', value: 'PLAIN|SCRAM-SHA-256|SCRAM-SHA-512', help: 'the SASL mechanism with --security sasl_* (default SCRAM-SHA-512)' },
};

/** `--security` and `--sasl-mechanism`; fails up front when the certificates cannot be made here. */
export function securitySelection(values: { security?: string | undefined; 'sasl-mechanism'?: string | undefined }): SecuritySettings {
  const settings: SecuritySettings = { mode: parseSecurityMode(values.security), mechanism: parseSaslMechanism(values['sasl-mechanism']) };
  if (settings.mode === 'ssl' || settings.mode === 'sasl_ssl') requireTool('openssl', `make the certificates of a run with --security ${settings.mode}`);
  return settings;
}
