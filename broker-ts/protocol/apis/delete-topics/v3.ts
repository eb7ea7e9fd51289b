// Same layout as v2; may answer TOPIC_DELETION_DISABLED.
export * from './v2.js';
