// The records of the cluster metadata log, after KRaft's (RegisterBrokerRecord, TopicRecord,
// PartitionRecord, PartitionChangeRecord, ConfigRecord, RemoveTopicRecord, FeatureLevelRecord,
// ProducerIdsRecord, ClearElrRecord): the same names, API keys and fields, framed as KRaft frames them (frame
// version, API key and version as unsigned varints, then the flexible-encoded message). Every
// change to cluster state is one of these, appended to the log and then applied to the
// MetadataImage; replication (issue 4) will carry the same records through Raft.
import { Reader, Writer, compile, schema as t } from '@kafka-chaos/protocol';

const FRAME_VERSION = 1;

const BrokerEndpoint = t.struct({
  name: t.string,
  host: t.string,
  port: t.int32,
  securityProtocol: t.int16,
});

const RegisterBrokerRecord = t.struct({
  brokerId: t.int32,
  incarnationId: t.uuid,
  brokerEpoch: t.int64,
  endPoints: t.array(BrokerEndpoint),
  rack: t.nullableString,
  fenced: t.withDefault(t.bool, true),
});

const TopicRecord = t.struct({
  name: t.string,
  topicId: t.uuid,
});

const PartitionRecord = t.struct({
  partitionId: t.int32,
  topicId: t.uuid,
  replicas: t.array(t.int32),
  isr: t.array(t.int32),
  /** An ongoing reassignment (KIP-455): replicas leaving, and replicas joining, the assignment. */
  removingReplicas: t.array(t.int32),
  addingReplicas: t.array(t.int32),
  leader: t.int32,
  leaderEpoch: t.int32,
  partitionEpoch: t.int32,
  /**
   * KIP-966: replicas that left the ISR while it was below min.insync.replicas (they hold
   * everything below the high watermark, which stopped), and the last leader of a partition left
   * without ISR and ELR. Tags 1 and 2 as in KRaft's PartitionRecord v2; null where KRaft writes none.
   */
  eligibleLeaderReplicas: t.tagged(1, t.nullableArray(t.int32), null),
  lastKnownElr: t.tagged(2, t.nullableArray(t.int32), null),
});

/** -2 in `leader` and null lists mean "unchanged", as in KRaft. */
const PartitionChangeRecord = t.struct({
  partitionId: t.int32,
  topicId: t.uuid,
  isr: t.tagged(0, t.nullableArray(t.int32), null),
  leader: t.tagged(1, t.int32, -2),
  replicas: t.tagged(2, t.nullableArray(t.int32), null),
  removingReplicas: t.tagged(3, t.nullableArray(t.int32), null),
  addingReplicas: t.tagged(4, t.nullableArray(t.int32), null),
  eligibleLeaderReplicas: t.tagged(6, t.nullableArray(t.int32), null),
  lastKnownElr: t.tagged(7, t.nullableArray(t.int32), null),
});

/** Empties the ELR and last known ELR of a topic's partitions ("" for every topic): their min.insync.replicas changed. */
const ClearElrRecord = t.struct({
  topicName: t.string,
});

const ConfigRecord = t.struct({
  /** 2 = topic, 4 = broker (DescribeConfigs resource types). */
  resourceType: t.int8,
  /** A topic name, a broker id, or "" for the cluster-wide broker defaults. */
  resourceName: t.string,
  name: t.string,
  /** null removes the setting. */
  value: t.nullableString,
});

const RemoveTopicRecord = t.struct({
  topicId: t.uuid,
});

/** A registered broker is fenced or unfenced, or begins a controlled shutdown (1 = yes, -1 = no, 0 = unchanged). */
const BrokerRegistrationChangeRecord = t.struct({
  brokerId: t.int32,
  brokerEpoch: t.int64,
  fenced: t.tagged(0, t.int8, 0),
  inControlledShutdown: t.tagged(1, t.int8, 0),
});

/** A finalized feature level for the whole cluster; level 0 turns the feature off (KIP-584). */
const FeatureLevelRecord = t.struct({
  name: t.string,
  featureLevel: t.int16,
});

/** Written first by every new quorum leader, so that it can commit entries of its own epoch. */
const NoOpRecord = t.struct({});

/** The next producer id the controller will hand out: ids below it are taken, even after a restart. */
const ProducerIdsRecord = t.struct({
  brokerId: t.int32,
  brokerEpoch: t.int64,
  nextProducerId: t.int64,
});

const RECORD_TYPES = {
  RegisterBroker: { apiKey: 0, schema: RegisterBrokerRecord },
  Topic: { apiKey: 2, schema: TopicRecord },
  Partition: { apiKey: 3, schema: PartitionRecord },
  Config: { apiKey: 4, schema: ConfigRecord },
  PartitionChange: { apiKey: 5, schema: PartitionChangeRecord },
  RemoveTopic: { apiKey: 9, schema: RemoveTopicRecord },
  FeatureLevel: { apiKey: 12, schema: FeatureLevelRecord },
  ProducerIds: { apiKey: 15, schema: ProducerIdsRecord },
  BrokerRegistrationChange: { apiKey: 17, schema: BrokerRegistrationChangeRecord },
  NoOp: { apiKey: 20, schema: NoOpRecord },
  ClearElr: { apiKey: 28, schema: ClearElrRecord },
} as const;

type RecordTypes = typeof RECORD_TYPES;
export type MetadataRecordType = keyof RecordTypes;

/** One metadata record: its type and its fields. */
export type MetadataRecord = {
  [T in MetadataRecordType]: { type: T; data: t.Value<RecordTypes[T]['schema']> };
}[MetadataRecordType];

export type RecordData<T extends MetadataRecordType> = Extract<MetadataRecord, { type: T }>['data'];

const TYPE_BY_API_KEY = new Map<number, MetadataRecordType>(
  (Object.entries(RECORD_TYPES) as [MetadataRecordType, RecordTypes[MetadataRecordType]][]).map(([type, { apiKey }]) => [apiKey, type]),
);

export function encodeMetadataRecord(record: MetadataRecord): Buffer {
  const { apiKey, schema: recordSchema } = RECORD_TYPES[record.type];
  const w = new Writer(64);
  w.uvarint(FRAME_VERSION).uvarint(apiKey).uvarint(0);
  (compile(recordSchema, true).write as (w: Writer, v: unknown) => void)(w, record.data);
  return w.toBuffer();
}

export function decodeMetadataRecord(bytes: Buffer): MetadataRecord {
  const r = new Reader(bytes);
  const frameVersion = r.uvarint();
  if (frameVersion !== FRAME_VERSION) throw new Error(`unknown metadata record frame version ${frameVersion}`);
  const apiKey = r.uvarint();
  const version = r.uvarint();
  const type = TYPE_BY_API_KEY.get(apiKey);
  if (type === undefined || version !== 0) throw new Error(`unknown metadata record type ${apiKey} v${version}`);
  const data = compile(RECORD_TYPES[type].schema, true).read(r);
  return { type, data } as MetadataRecord;
}

/** A PartitionChangeRecord that changes only the fields given ("unchanged" for the others). */
export function partitionChange(
  topicId: string,
  partitionId: number,
  changes: Partial<Omit<RecordData<'PartitionChange'>, 'topicId' | 'partitionId'>>,
): MetadataRecord {
  return {
    type: 'PartitionChange',
    data: {
      partitionId,
      topicId,
      isr: null,
      leader: NO_LEADER_CHANGE,
      replicas: null,
      removingReplicas: null,
      addingReplicas: null,
      eligibleLeaderReplicas: null,
      lastKnownElr: null,
      ...changes,
    },
  };
}

/** Security protocol ids (SecurityProtocol.id in Kafka). */
export const SECURITY_PROTOCOL_IDS: Readonly<Record<string, number>> = { PLAINTEXT: 0, SSL: 1, SASL_PLAINTEXT: 2, SASL_SSL: 3 };

/** DescribeConfigs / ConfigRecord resource types. */
export const ConfigResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;

/** A PartitionChangeRecord's "leader unchanged". */
export const NO_LEADER_CHANGE = -2;
/** No leader (all replicas offline). */
export const NO_LEADER = -1;
