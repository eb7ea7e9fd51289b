// Same layout as v2; may answer THROTTLING_QUOTA_EXCEEDED (KIP-599).
export * from './v2.js';
