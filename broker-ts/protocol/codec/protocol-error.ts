// Raised for bytes that do not follow the Kafka wire format. The network layer treats it as "close
// this connection": Kafka does the same for requests it cannot parse, and no reply could be framed
// reliably anyway once the input is known to be garbage.

export type ProtocolErrorReason =
  /** The input ended before a value was complete. */
  | 'truncated'
  /** A length or count below -1, or -1 (null) where the field is not nullable. */
  | 'negative-length'
  /** A string, bytes or tagged-field length larger than what is left of the input. */
  | 'length-exceeds-input'
  /** An array count whose elements could not possibly fit in what is left of the input. */
  | 'count-exceeds-input'
  /** A varint longer than its type allows. */
  | 'varint-too-long'
  /** A tagged field whose contents did not match its declared size. */
  | 'bad-tagged-field'
  /** A frame size prefix below zero. */
  | 'negative-frame-size'
  /** A frame size prefix above the configured maximum. */
  | 'frame-too-large'
  /** A request or response header that cannot be interpreted. */
  | 'bad-header'
  /** A record batch or record that cannot be interpreted. */
  | 'bad-record';

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';

  constructor(
    readonly reason: ProtocolErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** Prefixes a ProtocolError's message with where it happened (e.g. "Fetch v12 request"). */
export function withContext(error: unknown, context: string): unknown {
  if (error instanceof ProtocolError) return new ProtocolError(error.reason, `${context}: ${error.message}`);
  return error;
}
