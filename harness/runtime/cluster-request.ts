// What a caller asks a runtime for: which broker, how many nodes, with which settings, where.
import type { SecuritySettings } from '../security/cluster-security.js';
import type { BrokerKind } from './cluster.js';
import type { ImageSource } from './docker/images.js';

export type RuntimeKind = 'process' | 'docker';

export interface ClusterRequest {
  broker: BrokerKind;
  nodes: number;
  brokerConfig?: Record<string, string>;
  kafkaVersion?: string;
  runtime?: RuntimeKind;
  /** Docker only: official or locally built images (default: KAFKA_CHAOS_IMAGES, else official). */
  images?: ImageSource;
  logDir: string;
  /** TLS and SASL on every listener; plaintext when absent. */
  security?: SecuritySettings;
  /** Every node's data dir on the unsynced filesystem, so that a power cut can be simulated (off by default). */
  unsyncedDisks?: boolean;
}
