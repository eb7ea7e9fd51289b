// The same requests to a real Apache Kafka node (the tested default release) and to a broker-ts
// node, started with the same server.properties: error codes and the shape of the answers must
// agree. A failure lists each difference by name (an API version, a config key, an error), so that
// taking a new Kafka release in takes minutes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyName } from '@kafka-chaos/protocol';
import { DEFAULT_KAFKA_RELEASE } from '../provision/tested-kafka-releases.js';
import { ComparedBroker, compareProbe, describeComparison } from './compare-brokers.js';
import { readReadmeApiTable } from './readme-api-table.js';
import type { Observation } from './wire-probe.js';
import { WIRE_PROBES } from './wire-probes.js';

const logDir = mkdtempSync(join(tmpdir(), 'broker-ts-vs-kafka-'));
let kafka: ComparedBroker | undefined;
let brokerTs: ComparedBroker | undefined;

beforeAll(async () => {
  kafka = await ComparedBroker.start({ broker: 'kafka' }, join(logDir, 'kafka'));
  brokerTs = await ComparedBroker.start({ broker: 'broker-ts' }, join(logDir, 'broker-ts'));
}, 300_000);

afterAll(async () => {
  await kafka?.close();
  await brokerTs?.close();
  rmSync(logDir, { recursive: true, force: true });
});

/** What Kafka itself must answer, so that agreeing on a wrong answer (both failing, say) cannot pass. */
const KAFKA_ANSWERS: Record<string, (kafka: Observation) => void> = {
  'unserved-requests': (k) =>
    expect(k).toEqual({ 'Produce v2': 'ConnectionClosedError', 'Metadata v99': 'ConnectionClosedError', 'Unknown(999) v0': 'ConnectionClosedError' }),
  produce: (k) =>
    expect(k).toMatchObject({
      'unknown topic': 'UNKNOWN_TOPIC_OR_PARTITION',
      'unknown partition': 'UNKNOWN_TOPIC_OR_PARTITION',
      'batch over message.max.bytes': 'MESSAGE_TOO_LARGE',
      'acks=3': 'INVALID_REQUIRED_ACKS',
      'first write': { errorCode: 'NONE', baseOffset: '0' },
    }),
  acks0: (k) => expect(k).toEqual({ 'responses to an acks=0 Produce': 0 }),
  'api-versions-fallback': (k) => expect(k).toMatchObject({ 'v99 error': 'UNSUPPORTED_VERSION' }),
  'log-dirs': (k) =>
    expect(k).toMatchObject({
      'v5, partitions 0, 1 and 5': { errorCode: 'NONE', results: [{ errorCode: 'NONE', topics: { 'cmp-logdirs': { '1': { size: 0 } } }, volume: true }] },
    }),
  transactions: (k) =>
    expect(k).toMatchObject({
      'list all': { transactions: { 'cmp-txn-a': { state: 'Ongoing' }, 'cmp-txn-b': { state: 'Empty' } } },
      'list matching (': { errorCode: 'INVALID_REGULAR_EXPRESSION' },
      describe: {
        'cmp-txn-a': { errorCode: 'NONE', state: 'Ongoing', topics: { 'cmp-txn': [0, 1] } },
        'cmp-txn-none': { errorCode: 'TRANSACTIONAL_ID_NOT_FOUND' },
      },
    }),
  'static-membership': (k) =>
    expect(k).toMatchObject({
      'first JoinGroup': { errorCode: 'NONE', generationId: 1, memberId: 'i-1-…' },
      'Heartbeat naming instance i-1 with': {
        'the bound member id': 'NONE',
        'another member id': 'FENCED_INSTANCE_ID',
        'an unknown instance': 'UNKNOWN_MEMBER_ID',
      },
      'JoinGroup after a restart': { errorCode: 'NONE', generationId: 1, 'a new member id': true },
      'Heartbeat after the restart, with the': { 'old member id': 'FENCED_INSTANCE_ID', 'new member id': 'NONE' },
      'SyncGroup after the restart': { errorCode: 'NONE', assignment: 'partitions' },
      'OffsetCommit with the old member id': [{ name: 'cmp-static', partitions: [{ errorCode: 'FENCED_INSTANCE_ID' }] }],
      'DescribeGroups after the leave': [{ groupState: 'Empty', members: 0 }],
    }),
  retention: (k) =>
    expect(k).toEqual({
      'retention.ms 1 hour, records of 1970': { earliest: '3', latest: '3' },
      'one more record after': { earliest: '3', latest: '4' },
      'retention.bytes one segment, 25 batches of 90 kB in 1 MiB segments': { earliest: '11', latest: '25' },
      'Fetch at offset 0 after': { errorCode: 'OFFSET_OUT_OF_RANGE', logStartOffset: '-1' },
      'cleanup.policy compact, records of 1970': { earliest: '0', latest: '3' },
      'retention.ms -1, records of 1970': { earliest: '0', latest: '3' },
    }),
  'online-group-conversion': (k) =>
    expect(k).toMatchObject({
      'a classic member joins (MEMBER_ID_REQUIRED, then its id) and syncs as leader': {
        joins: ['MEMBER_ID_REQUIRED', 'NONE'],
        firstGeneration: 1,
        synced: 'NONE',
      },
      'ListGroups with the classic member': { groupType: 'classic', protocolType: 'consumer' },
      'a consumer member joins': { errorCode: 'NONE', memberEpoch: true },
      'ListGroups once it joined': { groupType: 'consumer', protocolType: 'consumer' },
      "the classic member's next heartbeat": 'REBALANCE_IN_PROGRESS',
      'ConsumerGroupDescribe member types': [0, 1],
      'once both are reconciled': {
        groupState: 'Stable',
        'every member at the group epoch': true,
        "the classic member's generation is its member epoch": true,
        'partitions each member holds': [1, 1],
        'a partition held by both members at once': false,
      },
      'classic OffsetCommit of a partition it holds, with': {
        'its generation': 'NONE',
        'the generation that handed it the partition': 'NONE',
        'the generation before that': 'ILLEGAL_GENERATION',
        'a newer one': 'ILLEGAL_GENERATION',
      },
      'classic Heartbeat naming the consumer member': 'UNKNOWN_MEMBER_ID',
      'the consumer member leaves': 'NONE',
      'ListGroups once it left': { groupType: 'classic', groupState: 'PreparingRebalance' },
      "the classic member's heartbeat then": 'REBALANCE_IN_PROGRESS',
      'the classic member rejoins the classic group': { errorCode: 'NONE', leader: true, 'generation after the group epoch': true, synced: 'NONE' },
      'ListGroups at the end': { groupType: 'classic', groupState: 'Stable' },
    }),
  'offset-delete': (k) =>
    expect(k).toMatchObject({
      'an unknown group': { errorCode: 'GROUP_ID_NOT_FOUND' },
      'its offsets after': ['cmp-od-1@5'],
      'a consumer group subscribed to cmp-od': {
        topics: [{ partitions: [{ errorCode: 'GROUP_SUBSCRIBED_TO_TOPIC' }] }, { partitions: [{ errorCode: 'NONE' }] }],
      },
      'its offsets after ': ['cmp-od-0@5'],
      'a group of another protocol, with members': { errorCode: 'NON_EMPTY_GROUP' },
    }),
  'update-features': (k) =>
    expect(k).toMatchObject({
      'v2: metadata.version to its own level': { errorCode: 'NONE', errorMessage: null },
      'v0: the same': { errorCode: 'NONE', results: [{ feature: 'metadata.version', errorCode: 'NONE' }] },
      'v2: a safe downgrade of metadata.version': { errorCode: 'INVALID_UPDATE_VERSION' },
      'v2: an unsafe downgrade of metadata.version': { errorCode: 'INVALID_UPDATE_VERSION' },
      'v1: one good update and one refused': { errorCode: 'INVALID_UPDATE_VERSION', results: [] },
    }),
  'partition-reassignments': (k) =>
    expect(k).toMatchObject({
      'list all': { errorCode: 'NONE', topics: [] },
      'cancel with none in progress': { responses: [{ partitions: [{ errorCode: 'NO_REASSIGNMENT_IN_PROGRESS' }] }] },
      'an unknown topic': { responses: [{ partitions: [{ errorCode: 'UNKNOWN_TOPIC_OR_PARTITION' }] }] },
      'a replica twice': { responses: [{ partitions: [{ errorCode: 'INVALID_REPLICA_ASSIGNMENT' }] }] },
      'v1: the same replicas, the replication factor kept': { responses: [{ partitions: [{ errorCode: 'NONE' }] }] },
      'the same replicas, and an unknown partition': { responses: [{ partitions: [{ errorCode: 'NONE' }, { errorCode: 'UNKNOWN_TOPIC_OR_PARTITION' }] }] },
    }),
  'elect-leaders': (k) =>
    expect(k).toMatchObject({
      'preferred v2': {
        errorCode: 'NONE',
        replicaElectionResults: [{ partitionResult: [{ errorCode: 'ELECTION_NOT_NEEDED' }, {}, { errorCode: 'UNKNOWN_TOPIC_OR_PARTITION' }] }, {}],
      },
      'an unknown election type': { errorCode: 'INVALID_REQUEST' },
      'every partition (the test topic)': { results: [{ topic: 'cmp-elect', partitionResult: [] }] },
    }),
  'incremental-alter-configs': (k) =>
    expect(k).toMatchObject({
      answers: { 'set one key': { errorCode: 'NONE' }, 'append to a non-list key': { errorCode: 'INVALID_CONFIG' } },
      'overrides after': { 'cleanup.policy': 'compact', 'max.message.bytes': '5000' },
    }),
  'describe-topic-partitions': (k) =>
    expect(k).toMatchObject({
      'both topics, 2 partitions a page': [
        {
          topics: [{ name: 'cmp-dtp-a', partitions: [{ partitionIndex: 0, eligibleLeaderReplicas: [], lastKnownElr: [] }, { partitionIndex: 1 }] }],
          nextCursor: { topicName: 'cmp-dtp-a', partitionIndex: 2 },
        },
        {
          topics: [
            { name: 'cmp-dtp-a', partitions: [{ partitionIndex: 2 }] },
            { name: 'cmp-dtp-b', partitions: [{ partitionIndex: 0 }] },
          ],
          nextCursor: null,
        },
      ],
      'unknown and illegal topics, one named twice': {
        topics: [
          { name: 'bad name', errorCode: 'INVALID_TOPIC_EXCEPTION' },
          { name: 'cmp-dtp-a' },
          { name: 'cmp-dtp-absent', errorCode: 'UNKNOWN_TOPIC_OR_PARTITION' },
        ],
      },
      'a page filled up to an unknown topic': { nextCursor: { topicName: 'cmp-dtp-absent', partitionIndex: 0 } },
      'a cursor on a topic not named': { topics: [{ errorCode: 'INVALID_REQUEST' }, { errorCode: 'INVALID_REQUEST' }, { errorCode: 'INVALID_REQUEST' }] },
      'a negative cursor partition': { topics: [{ errorCode: 'INVALID_REQUEST' }] },
    }),
  'describe-producers': (k) =>
    expect(k).toMatchObject({
      'partition 0, written by the idempotent producer': [
        {
          partitions: [
            {
              errorCode: 'NONE',
              activeProducers: [
                {
                  producer: 'idempotent producer',
                  producerEpoch: 0,
                  lastSequence: 4,
                  lastTimestamp: '2000',
                  coordinatorEpoch: -1,
                  currentTxnStartOffset: '-1',
                },
              ],
            },
          ],
        },
      ],
      'partition 1, with an open transaction': [
        { partitions: [{ errorCode: 'NONE', activeProducers: [{ producer: 'transactional producer', lastSequence: 1, currentTxnStartOffset: '2' }] }] },
      ],
      'partition 2, never written': [{ partitions: [{ errorCode: 'NONE', activeProducers: [] }] }],
      'unknown partitions and topics, illegal names, a partition named twice': [
        { partitions: [{ partitionIndex: 7, errorCode: 'UNKNOWN_TOPIC_OR_PARTITION', errorMessage: null }, { partitionIndex: 2 }, { partitionIndex: 2 }] },
        { partitions: [{ errorCode: 'UNKNOWN_TOPIC_OR_PARTITION', errorMessage: 'This server does not host this topic-partition.' }] },
        { partitions: [{ errorCode: 'INVALID_TOPIC_EXCEPTION' }] },
        { partitions: [{ errorCode: 'INVALID_TOPIC_EXCEPTION' }] },
        { partitions: [{ errorCode: 'INVALID_TOPIC_EXCEPTION' }] },
      ],
    }),
};

describe(`broker-ts answers as Kafka ${DEFAULT_KAFKA_RELEASE} does`, () => {
  it('compares with the tested default release', () => {
    expect(kafka!.label).toBe(`Kafka ${DEFAULT_KAFKA_RELEASE}`);
  });

  it("broker-ts/README.md's table of API keys gives what each broker advertises on a broker listener, this Kafka release's in its Kafka column", () => {
    const table = readReadmeApiTable();
    expect(table.kafkaRelease, "the release the README's Kafka column is for").toBe(DEFAULT_KAFKA_RELEASE);
    const advertised = (broker: ComparedBroker) => Object.fromEntries([...broker.client.brokerVersions].map(([key, v]) => [key, [v.minVersion, v.maxVersion]]));
    const listed = (column: 'kafka' | 'brokerTs') => Object.fromEntries(table.rows.flatMap((r) => (r[column] === undefined ? [] : [[r.apiKey, r[column]]])));
    expect(listed('kafka'), 'the Kafka column').toEqual(advertised(kafka!));
    expect(listed('brokerTs'), 'the broker-ts column').toEqual(advertised(brokerTs!));
    const keys = table.rows.map((r) => r.apiKey);
    expect(keys, 'keys once each, in order').toEqual([...new Set(keys)].sort((a, b) => a - b));
    for (const row of table.rows) expect(row.name, `key ${row.apiKey}`).toBe(apiKeyName(row.apiKey));
  });

  for (const probe of WIRE_PROBES) {
    it(probe.title, async () => {
      const answers = { kafka: await kafka!.observe(probe), brokerTs: await brokerTs!.observe(probe) };
      expect(answers.kafka, `${kafka!.label} answered the probe`).not.toHaveProperty('probe failed');
      const differences = describeComparison({
        reference: kafka!.label,
        candidate: brokerTs!.label,
        probes: [compareProbe(probe, answers.kafka, answers.brokerTs, true)],
      });
      expect(differences, `broker-ts differs from ${kafka!.label}:\n  ${differences.join('\n  ')}\n`).toEqual([]);
      KAFKA_ANSWERS[probe.name]?.(answers.kafka);
    });
  }
});
