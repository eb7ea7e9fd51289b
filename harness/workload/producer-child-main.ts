// Entry point of a producer that runs in a process of its own, so that a fault can kill it with
// sends still outstanding. It records its history to its own file on the run's clock.
import { writeFileSync } from 'node:fs';
import { kafkaClient } from '../clients/kafkajs.js';
import { HistoryRecorder } from '../history/recorder.js';
import type { ClientSecurity } from '../security/cluster-security.js';
import type { ProducerSettings } from './producer.js';
import { ProducerWorkload } from './producer.js';
import type { ProducerIdentity } from './producer-identity.js';

export interface ChildProducerConfig {
  name: string;
  brokers: string[];
  security?: ClientSecurity;
  settings: ProducerSettings;
  client: { requestTimeout: number; retry: { retries: number } };
  identity: ProducerIdentity;
  historyFile: string;
  statsFile: string;
  epochMs: number;
  settleMs: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ChildProducerConfig;
const recorder = new HistoryRecorder(config.historyFile, config.epochMs);
const kafka = kafkaClient(`kafka-chaos-${config.name}`, config.brokers, config.client, config.security);
const workload = new ProducerWorkload(config.name, kafka, recorder, config.settings, config.identity);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await workload.stop(config.settleMs);
  await recorder.close();
  writeFileSync(config.statsFile, JSON.stringify(workload.stats));
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => {});

await workload.start();
process.stdout.write('ready\n');
