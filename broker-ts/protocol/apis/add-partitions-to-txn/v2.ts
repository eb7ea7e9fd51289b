// Same layout as v1; may answer PRODUCER_FENCED (KIP-588).
export * from './v1.js';
