// Same layout as v3 (KIP-219 changed only when throttling is applied).
export * from './v3.js';
