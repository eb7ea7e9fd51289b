// Same layout as v3; may answer PRODUCER_FENCED (KIP-588).
export * from './v3.js';
