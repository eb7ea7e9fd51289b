// First flexible version.
export * from './v4.js';
