// Same layout as v9; the fetcher accepts zstd batches (KIP-110).
export * from './v9.js';
