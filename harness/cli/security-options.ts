import { requireTool } from '../provision/tools.js';
import { parseSaslMechanism, parseSecurityMode, type SecuritySettings } from '../security/cluster-security.js';

/** The parseArgs options that secure a cluster's listeners, for every command that starts clusters. */
export const SECURITY_ARGS = {
  security: { type: 'string' },
  'sasl-mechanism': { type: 'string' },
} as const;

export const SECURITY_USAGE = '[--security plaintext|ssl|sasl_plaintext|sasl_ssl] [--sasl-mechanism PLAIN|SCRAM-SHA-256|SCRAM-SHA-512]';

/** `--security` and `--sasl-mechanism`; fails up front when the certificates cannot be made here. */
export function securitySelection(values: { security?: string | undefined; 'sasl-mechanism'?: string | undefined }): SecuritySettings {
  const settings: SecuritySettings = { mode: parseSecurityMode(values.security), mechanism: parseSaslMechanism(values['sasl-mechanism']) };
  if (settings.mode === 'ssl' || settings.mode === 'sasl_ssl') requireTool('openssl', `make the certificates of a run with --security ${settings.mode}`);
  return settings;
}
