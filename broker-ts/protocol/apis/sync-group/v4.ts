// First flexible version.
export * from './v3.js';
