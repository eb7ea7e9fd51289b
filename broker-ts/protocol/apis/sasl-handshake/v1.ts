// Same layout as v0; the SASL exchange that follows is framed as SaslAuthenticate requests
// instead of raw tokens.
export * from './v0.js';
