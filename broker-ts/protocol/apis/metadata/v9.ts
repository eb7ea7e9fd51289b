// First flexible version.
export * from './v8.js';
