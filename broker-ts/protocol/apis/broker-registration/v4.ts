// Same layout as v3; a feature's minSupportedVersion may now be 0 (KAFKA-17011).
export * from './v3.js';
