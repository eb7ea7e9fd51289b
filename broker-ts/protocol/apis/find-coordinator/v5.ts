// Same layout as v4; may answer TRANSACTION_ABORTABLE (KIP-890).
export * from './v4.js';
