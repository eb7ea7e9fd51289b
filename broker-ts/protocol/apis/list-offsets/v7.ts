// Same layout as v6; timestamp -3 asks for the record with the largest timestamp (KIP-734).
export * from './v6.js';
