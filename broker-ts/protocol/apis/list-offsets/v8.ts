// Same layout as v7; timestamp -4 asks for the local log start offset (KIP-405).
export * from './v7.js';
