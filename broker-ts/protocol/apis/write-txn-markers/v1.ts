// First flexible version, and the only one Kafka 4 serves (KIP-896); v0.ts holds the layout.
export * from './v0.js';
