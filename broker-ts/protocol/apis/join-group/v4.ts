// Same layout as v3; a new member first gets MEMBER_ID_REQUIRED with its id and must join again (KIP-394).
export * from './v3.js';
