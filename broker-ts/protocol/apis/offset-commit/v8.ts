// First flexible version.
export * from './v7.js';
