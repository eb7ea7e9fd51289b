// What a handler knows about the request it serves besides its body: who sent it and over which
// listener (Metadata answers with that listener's addresses).
import type { RequestHeader } from '@kafka-chaos/protocol';

export interface RequestContext {
  header: RequestHeader;
  apiVersion: number;
  /** Name of the listener the request arrived on (CLIENT, REPL, HARNESS, ...). */
  listenerName: string;
  clientId: string;
  /** As Kafka prints the peer's InetAddress: "/127.0.0.1". */
  clientHost: string;
  connectionId: string;
  /** Aborted when the connection closes: work kept only for the answer (a long poll) can stop. */
  connectionClosed?: AbortSignal;
}
