// Same layout as v5; key type 2 finds share group coordinators (KIP-932).
export * from './v5.js';
