// Same layout as v1 (KIP-219 changed only when throttling is applied).
export * from './v1.js';
