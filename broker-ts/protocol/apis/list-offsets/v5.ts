// Same layout as v4; may answer OFFSET_NOT_AVAILABLE.
export * from './v4.js';
