// How this node reaches the active controller (KRaft's NodeToControllerChannelManager): at the
// address its own controller.quorum.voters gives for the current quorum leader, never an address
// learnt from another node, so that cutting the controller proxies of a pair of nodes cuts this
// traffic too. When this node is the active controller the request is served in process.
import type { QuorumVoter } from '../config/listeners.js';
import type { Logger } from '../logging/logger.js';
import { WireClient } from '@kafka-chaos/protocol';
import type { RequestBody, ResponseBody, SupportedApiKey } from '@kafka-chaos/protocol';
import { ApiError } from '../errors/api-error.js';
import type { ClientSecurity } from '../security/client-security.js';
import type { MetadataQuorum } from './metadata-quorum.js';

export type LocalControllerDispatch = (apiKey: number, version: number, body: unknown) => Promise<unknown>;

const RETRY_BACKOFF_MS = 50;

export class ControllerChannel {
  private readonly clients = new Map<number, Promise<WireClient>>();
  private closed = false;

  constructor(
    private readonly nodeId: number,
    private readonly voters: readonly QuorumVoter[],
    private readonly quorum: MetadataQuorum,
    private readonly local: LocalControllerDispatch,
    private readonly security: ClientSecurity,
    private readonly logger: Logger,
  ) {}

  /**
   * Sends a request to the active controller, waiting for one to be known and retrying across
   * leader changes and lost connections until `timeoutMs` runs out (then REQUEST_TIMED_OUT).
   */
  async send<K extends SupportedApiKey>(apiKey: K, version: number, body: RequestBody<K>, timeoutMs: number): Promise<ResponseBody<K>> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (!this.closed && Date.now() < deadline) {
      const leaderId = this.quorum.leaderId;
      if (leaderId < 0) {
        await this.quorum.waitFor(() => this.quorum.leaderId >= 0 || this.closed, deadline - Date.now());
        continue;
      }
      try {
        if (leaderId === this.nodeId) {
          if (!this.quorum.isActive) {
            await this.quorum.waitFor(
              () => this.quorum.isActive || this.quorum.leaderId !== this.nodeId,
              Math.min(RETRY_BACKOFF_MS * 4, deadline - Date.now()),
            );
            continue;
          }
          return (await this.local(apiKey, version, body)) as ResponseBody<K>;
        }
        const client = await this.client(leaderId);
        return await client.send(apiKey, version, body, { timeoutMs: Math.max(1, deadline - Date.now()) });
      } catch (error) {
        lastError = error;
        if (error instanceof ApiError && error.code !== ApiError.of('NOT_CONTROLLER').code) throw error;
        await sleep(RETRY_BACKOFF_MS);
      }
    }
    this.logger.debug({ err: lastError, apiKey }, 'no answer from the active controller');
    throw ApiError.of('REQUEST_TIMED_OUT', 'The active controller did not answer in time.');
  }

  close(): void {
    this.closed = true;
    this.quorum.notify();
    for (const pending of this.clients.values())
      pending.then(
        (c) => c.close(),
        () => undefined,
      );
    this.clients.clear();
  }

  private client(voterId: number): Promise<WireClient> {
    let pending = this.clients.get(voterId);
    if (pending === undefined) {
      const voter = this.voters.find((v) => v.id === voterId);
      if (voter === undefined) return Promise.reject(new Error(`node ${voterId} is not in controller.quorum.voters`));
      pending = WireClient.connect({
        host: voter.host,
        port: voter.port,
        clientId: `broker-ts-${this.nodeId}-to-controller`,
        connectTimeoutMs: 1000,
        ...this.security,
      });
      this.clients.set(voterId, pending);
      const forget = () => {
        if (this.clients.get(voterId) === pending) this.clients.delete(voterId);
      };
      pending.then((client) => client.once('close', forget), forget);
    }
    return pending;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
