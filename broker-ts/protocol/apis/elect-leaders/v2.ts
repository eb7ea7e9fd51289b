// First flexible version.
export * from './v1.js';
