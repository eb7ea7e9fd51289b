// Same layout as v3; partitions and replication factor may be -1 for the broker defaults (KIP-464).
export * from './v3.js';
