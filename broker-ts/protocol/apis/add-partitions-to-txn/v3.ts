// First flexible version.
export * from './v2.js';
