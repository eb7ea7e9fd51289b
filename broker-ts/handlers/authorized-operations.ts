// Authorized-operation bit sets (KIP-430). broker-ts has no authorizer, so, as Kafka without one,
// every operation a resource type supports is allowed. Bits are AclOperation codes.
const AclOperation = {
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
} as const;

function bits(...operations: number[]): number {
  return operations.reduce((set, op) => set | (1 << op), 0);
}

/** The schema default: "not requested". */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export const TOPIC_OPERATIONS = bits(
  AclOperation.READ,
  AclOperation.WRITE,
  AclOperation.CREATE,
  AclOperation.DELETE,
  AclOperation.ALTER,
  AclOperation.DESCRIBE,
  AclOperation.DESCRIBE_CONFIGS,
  AclOperation.ALTER_CONFIGS,
);

export const CLUSTER_OPERATIONS = bits(
  AclOperation.CREATE,
  AclOperation.ALTER,
  AclOperation.DESCRIBE,
  AclOperation.CLUSTER_ACTION,
  AclOperation.DESCRIBE_CONFIGS,
  AclOperation.ALTER_CONFIGS,
  AclOperation.IDEMPOTENT_WRITE,
);

export const GROUP_OPERATIONS = bits(AclOperation.READ, AclOperation.DELETE, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS);
