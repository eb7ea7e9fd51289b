// Same layout as v2 (KIP-219 changed only when throttling is applied).
export * from './v2.js';
