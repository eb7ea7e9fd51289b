// Same layout as v5; may answer THROTTLING_QUOTA_EXCEEDED (KIP-599).
export * from './v5.js';
