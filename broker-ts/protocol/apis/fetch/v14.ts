// Same layout as v13; may answer OFFSET_MOVED_TO_TIERED_STORAGE (KIP-405).
export * from './v13.js';
