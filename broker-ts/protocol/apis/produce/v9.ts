// First flexible version: same fields as v8.
export * from './v8.js';
