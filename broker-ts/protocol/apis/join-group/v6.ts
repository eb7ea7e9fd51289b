// First flexible version.
export * from './v5.js';
