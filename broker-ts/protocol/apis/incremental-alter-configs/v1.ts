// First flexible version.
export * from './v0.js';
