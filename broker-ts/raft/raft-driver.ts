// Runs this node's RaftNode on the broker's event loop: wakes it with one timer at its next
// deadline, sends its requests to the other voters at the addresses of this node's own
// controller.quorum.voters (so the harness's per-pair proxies carry them), and hands it the
// requests the controller listener receives.
import type { QuorumVoter } from '../config/listeners.js';
import type { Logger } from '../logging/logger.js';
import { WireClient } from '@kafka-chaos/protocol';
import type { ClientSecurity } from '../security/client-security.js';
import type { MetadataLog } from '../metadata/metadata-log.js';
import type { MetadataRecord } from '../metadata/metadata-records.js';
import { RaftNode } from './raft-node.js';
import type { RaftConfig } from './raft-node.js';
import type { RaftRequest, RaftResponse } from './raft-messages.js';
import { QuorumStateFile } from './quorum-state-file.js';
import { fromWireResponse, toWireRequest } from './raft-wire.js';

export interface RaftDriverOptions {
  nodeId: number;
  clusterId: string;
  voters: readonly QuorumVoter[];
  log: MetadataLog;
  config: RaftConfig;
  requestTimeoutMs: number;
  /** TLS and SASL for the controller listener (nothing for PLAINTEXT). */
  clientSecurity: ClientSecurity;
  logger: Logger;
  onCommit: (highWatermark: bigint) => void;
  onStateChange: () => void;
}

/** Connections to one other voter: fetches long-poll on their own, so votes never wait behind them. */
class VoterConnections {
  private readonly clients = new Map<'fetch' | 'control', Promise<WireClient>>();

  constructor(
    readonly voter: QuorumVoter,
    private readonly clientId: string,
    private readonly requestTimeoutMs: number,
    private readonly security: ClientSecurity,
  ) {}

  async client(purpose: 'fetch' | 'control'): Promise<WireClient> {
    let pending = this.clients.get(purpose);
    if (pending === undefined) {
      pending = WireClient.connect({
        host: this.voter.host,
        port: this.voter.port,
        clientId: this.clientId,
        connectTimeoutMs: Math.min(this.requestTimeoutMs, 1000),
        requestTimeoutMs: this.requestTimeoutMs,
        ...this.security,
      });
      this.clients.set(purpose, pending);
      pending.then(
        (client) => client.once('close', () => this.clients.get(purpose) === pending && this.clients.delete(purpose)),
        () => this.clients.get(purpose) === pending && this.clients.delete(purpose),
      );
    }
    return pending;
  }

  close(): void {
    for (const pending of this.clients.values())
      pending.then(
        (c) => c.close(),
        () => undefined,
      );
    this.clients.clear();
  }
}

export class RaftDriver {
  readonly node: RaftNode<MetadataRecord, Buffer>;
  private readonly peers = new Map<number, VoterConnections>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(private readonly options: RaftDriverOptions) {
    for (const voter of options.voters) {
      if (voter.id !== options.nodeId)
        this.peers.set(voter.id, new VoterConnections(voter, `broker-ts-raft-${options.nodeId}`, options.requestTimeoutMs, options.clientSecurity));
    }
    options.log.onFlushed = (offset) => this.run(() => this.node.onFlushed(Date.now(), offset));
    this.node = new RaftNode<MetadataRecord, Buffer>(
      {
        nodeId: options.nodeId,
        voters: options.voters.map((v) => v.id),
        log: options.log,
        store: new QuorumStateFile(options.log.dir),
        random: Math.random,
        send: (to, request) => this.send(to, request),
        leaderChangeRecords: () => [{ type: 'NoOp', data: {} }],
        onStateChange: (node) => {
          options.logger.info({ role: node.role, epoch: node.epoch, leaderId: node.leaderId }, 'metadata quorum state');
          options.onStateChange();
        },
        onCommit: options.onCommit,
      },
      options.config,
    );
  }

  start(): void {
    this.run(() => this.node.start(Date.now()));
  }

  /** Appends records on the leader; resolves with the offset after them (committed later). */
  propose(records: readonly MetadataRecord[]): bigint {
    return this.run(() => this.node.propose(Date.now(), records));
  }

  /** A request from another voter, answered when the node answers (a fetch may wait for new entries). */
  handle(from: number, request: RaftRequest<Buffer>): Promise<RaftResponse<Buffer>> {
    return new Promise((resolve) => this.run(() => this.node.handleRequest(Date.now(), from, request, resolve)));
  }

  /** Graceful stop: a leader hands over first. */
  shutdown(): void {
    if (this.stopped) return;
    this.run(() => this.node.shutdown(Date.now()));
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    // Let the EndQuorumEpoch requests leave before the connections close.
    setTimeout(() => {
      for (const peer of this.peers.values()) peer.close();
    }, 50).unref();
  }

  private send(to: number, request: RaftRequest<Buffer>): void {
    const peer = this.peers.get(to);
    if (peer === undefined || this.stopped) return;
    const wire = toWireRequest(this.options.clusterId, to, request);
    const purpose = request.kind === 'fetch' ? 'fetch' : 'control';
    peer
      .client(purpose)
      .then((client) => client.send(wire.apiKey, wire.version, wire.body as never, { timeoutMs: this.options.requestTimeoutMs }))
      .then(
        (body) => {
          const response = fromWireResponse(request, body);
          this.run(() =>
            response === undefined ? this.node.handleFailure(Date.now(), to, request) : this.node.handleResponse(Date.now(), to, request, response),
          );
        },
        () => this.run(() => this.node.handleFailure(Date.now(), to, request)),
      );
  }

  /** Runs an interaction with the node, then re-arms the timer for its next deadline. */
  private run<T>(action: () => T): T {
    try {
      return action();
    } finally {
      this.arm();
    }
  }

  private arm(): void {
    if (this.stopped) return;
    const at = this.node.nextDeadline();
    if (at >= this.timerAt && this.timer !== undefined) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    if (!Number.isFinite(at)) {
      this.timer = undefined;
      return;
    }
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.run(() => this.node.poll(Date.now()));
      },
      Math.max(0, at - Date.now()),
    );
  }
}
