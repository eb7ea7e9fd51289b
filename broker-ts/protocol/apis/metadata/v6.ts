// Same layout as v5 (KIP-219 changed only when throttling is applied).
export * from './v5.js';
