// Same layout as v6; batches may now be zstd-compressed (KIP-110).
export * from './v6.js';
