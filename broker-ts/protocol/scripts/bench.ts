// Micro-benchmark of the hot paths: Produce request decode, Fetch response encode, Metadata.
//
//   npx tsx broker-ts/protocol/scripts/bench.ts
import { ApiKey } from '../api-keys.js';
import { decodeRequest, encodeRequest } from '../request-codec.js';
import { decodeResponse, encodeResponse, encodeResponseChunks } from '../response-codec.js';
import type { RequestBody, ResponseBody } from '../registry.js';

function bench(name: string, run: () => unknown, seconds = 1): void {
  for (let i = 0; i < 1000; i++) run(); // warm-up
  let iterations = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 100; i++) run();
    iterations += 100;
  }
  const perOp = ((performance.now() - start) * 1000) / iterations;
  console.log(
    `${name.padEnd(48)} ${perOp.toFixed(2).padStart(8)} µs/op  ${Math.round(1e6 / perOp)
      .toLocaleString('en')
      .padStart(10)} ops/s`,
  );
}

const records = Buffer.alloc(16 * 1024, 1);
const topics = ['orders', 'payments', 'audit'];

const produce: RequestBody<typeof ApiKey.Produce> = {
  transactionalId: null,
  acks: -1,
  timeoutMs: 30000,
  topicData: topics.map((name) => ({ name, partitionData: [0, 1, 2].map((index) => ({ index, records })) })),
};
for (const version of [3, 9]) {
  const frame = encodeRequest({ apiKey: ApiKey.Produce, apiVersion: version, correlationId: 1, clientId: 'bench' }, produce).subarray(4);
  bench(`Produce v${version} request decode (9 × 16 KiB)`, () => decodeRequest(frame));
}

const fetch: ResponseBody<typeof ApiKey.Fetch> = {
  throttleTimeMs: 0,
  errorCode: 0,
  sessionId: 0,
  responses: topics.map((topic) => ({
    topic,
    topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
    partitions: [0, 1, 2].map((partitionIndex) => ({
      partitionIndex,
      errorCode: 0,
      highWatermark: 1000n,
      lastStableOffset: 1000n,
      logStartOffset: 0n,
      abortedTransactions: null,
      preferredReadReplica: -1,
      records,
    })),
  })),
};
for (const version of [11, 12, 16]) {
  bench(`Fetch v${version} response encode, chunks (9 × 16 KiB)`, () => encodeResponseChunks({ correlationId: 1 }, ApiKey.Fetch, version, fetch));
}
bench('Fetch v12 response encode, one buffer (9 × 16 KiB)', () => encodeResponse({ correlationId: 1 }, ApiKey.Fetch, 12, fetch));

const metadata: ResponseBody<typeof ApiKey.Metadata> = {
  throttleTimeMs: 0,
  brokers: [1, 2, 3].map((nodeId) => ({ nodeId, host: `broker-${nodeId}`, port: 9092, rack: null })),
  clusterId: 'cluster',
  controllerId: 1,
  topics: Array.from({ length: 100 }, (_, t) => ({
    errorCode: 0,
    name: `topic-${t}`,
    topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
    isInternal: false,
    partitions: Array.from({ length: 10 }, (_, p) => ({
      errorCode: 0,
      partitionIndex: p,
      leaderId: 1 + (p % 3),
      leaderEpoch: 0,
      replicaNodes: [1, 2, 3],
      isrNodes: [1, 2, 3],
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: -2147483648,
  })),
};
const metadataFrame = encodeResponse({ correlationId: 1 }, ApiKey.Metadata, 12, metadata).subarray(4);
bench('Metadata v12 response encode (100 topics × 10)', () => encodeResponse({ correlationId: 1 }, ApiKey.Metadata, 12, metadata));
bench('Metadata v12 response decode (100 topics × 10)', () => decodeResponse(metadataFrame, ApiKey.Metadata, 12));
