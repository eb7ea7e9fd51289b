// Same layout as v7.
export * from './v7.js';
