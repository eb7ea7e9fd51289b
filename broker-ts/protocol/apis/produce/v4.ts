// Same layout as v3; from v4 on the client must be prepared for KAFKA_STORAGE_ERROR.
export * from './v3.js';
