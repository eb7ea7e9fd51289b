// Same layout as v10; the broker may answer TRANSACTION_ABORTABLE (KIP-890).
export * from './v10.js';
