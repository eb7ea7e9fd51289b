// The listeners of one node: a TCP server per configured listener, each handing its connections to
// the request dispatcher under the listener's name.
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import type { Endpoint } from '../config/listeners.js';
import type { Logger } from '../logging/logger.js';
import { Connection } from './connection.js';
import type { RequestDispatcher } from './connection.js';

export interface SocketServerOptions {
  maxRequestBytes: number;
  idleTimeoutMs: number;
}

export interface BoundListener {
  name: string;
  host: string;
  port: number;
}

export class SocketServer {
  private readonly servers: Server[] = [];
  private readonly connections = new Set<Connection>();
  private readonly bound: BoundListener[] = [];

  constructor(
    private readonly dispatcher: RequestDispatcher,
    private readonly options: SocketServerOptions,
    private readonly logger: Logger,
  ) {}

  /** Binds every listener; port 0 picks a free port, reported in `listeners()`. */
  async bind(listeners: readonly Endpoint[]): Promise<BoundListener[]> {
    for (const listener of listeners) {
      const server = createServer({ noDelay: true }, (socket) => {
        const connection = new Connection(
          socket,
          listener.name,
          this.dispatcher,
          this.options.maxRequestBytes,
          this.options.idleTimeoutMs,
          this.logger,
          (closed) => this.connections.delete(closed),
        );
        this.connections.add(connection);
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: listener.host === '' ? undefined : listener.host, port: listener.port }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      server.on('error', (error) => this.logger.error({ err: error, listener: listener.name }, 'listener failed'));
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : listener.port;
      this.servers.push(server);
      this.bound.push({ name: listener.name, host: listener.host, port });
      this.logger.info({ listener: listener.name, host: listener.host || '0.0.0.0', port }, 'listening');
    }
    return [...this.bound];
  }

  listeners(): readonly BoundListener[] {
    return this.bound;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Stops accepting, then closes every open connection. */
  async close(): Promise<void> {
    const closing = this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const connection of [...this.connections]) connection.close('broker shutting down');
    await Promise.all(closing);
  }
}
