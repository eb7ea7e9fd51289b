// Same layout as v5.
export * from './v5.js';
