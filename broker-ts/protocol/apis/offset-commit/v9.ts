// Same layout as v8; usable with KIP-848 consumer groups (may answer STALE_MEMBER_EPOCH).
export * from './v8.js';
