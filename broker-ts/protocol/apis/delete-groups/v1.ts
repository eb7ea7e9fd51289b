// Same layout as v0 (KIP-219 changed only when throttling is applied).
export * from './v0.js';
