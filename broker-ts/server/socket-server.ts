// The listeners of one node: a TCP server per configured listener. An accepted socket passes the
// connection limits (ConnectionAdmission), then, on SSL and SASL_SSL listeners, a TLS handshake,
// and becomes a Connection serving requests under the listener's name; on SASL listeners the
// connection authenticates its client before anything else is served.
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import type { BrokerConfig } from '../config/broker-config.js';
import type { ConnectionLimits } from '../config/connection-limits.js';
import type { Endpoint } from '../config/listeners.js';
import type { Logger } from '../logging/logger.js';
import type { ListenerSecurity } from '../security/listener-security.js';
import { secureContextOptions } from '../security/listener-security.js';
import { SaslServerAuthenticator } from '../security/sasl-authenticator.js';
import { ConnectionAdmission } from './connection-admission.js';
import { Connection } from './connection.js';
import type { RequestDispatcher } from './connection.js';

export interface SocketServerOptions {
  maxRequestBytes: number;
  idleTimeoutMs: number;
  /** Per listener name; a listener missing here is PLAINTEXT. */
  security?: ReadonlyMap<string, ListenerSecurity>;
  /** sasl.server.max.receive.size: the frame limit until a SASL client is authenticated. */
  saslMaxReceiveSize?: number;
  /** connection.failed.authentication.delay.ms */
  failedAuthenticationDelayMs?: number;
  limits?: ConnectionLimits;
  /** Listeners the broker-wide max.connections does not hold back (inter-broker, controller). */
  unlimitedListeners?: readonly string[];
}

/** The socket server settings of a broker configuration. */
export function socketServerOptions(config: BrokerConfig): SocketServerOptions {
  return {
    maxRequestBytes: config.socketRequestMaxBytes,
    idleTimeoutMs: config.connectionsMaxIdleMs,
    security: config.listenerSecurity,
    saslMaxReceiveSize: config.saslServerMaxReceiveSize,
    failedAuthenticationDelayMs: config.connectionFailedAuthenticationDelayMs,
    limits: config.connectionLimits,
    unlimitedListeners: [config.interBrokerListenerName, ...config.controllerListenerNames],
  };
}

const UNLIMITED: ConnectionLimits = {
  brokerWide: Number.MAX_SAFE_INTEGER,
  perListener: new Map(),
  perIp: Number.MAX_SAFE_INTEGER,
  perIpOverrides: new Map(),
  backlog: 50,
};

export interface BoundListener {
  name: string;
  host: string;
  port: number;
}

export class SocketServer {
  private readonly servers: Server[] = [];
  private readonly connections = new Set<Connection>();
  /** Every admitted TCP socket until it closes (TLS handshakes included), for shutdown. */
  private readonly admitted = new Set<Socket>();
  private readonly bound: BoundListener[] = [];
  private readonly admission: ConnectionAdmission;
  /** Per TLS listener: a server that never listens, fed the sockets admission lets through. */
  private readonly tlsServers = new Map<string, TlsServer>();

  constructor(
    private readonly dispatcher: RequestDispatcher,
    private readonly options: SocketServerOptions,
    private readonly logger: Logger,
  ) {
    this.admission = new ConnectionAdmission(options.limits ?? UNLIMITED, new Set(options.unlimitedListeners ?? []), logger);
  }

  /** Binds every listener; port 0 picks a free port, reported in `listeners()`. */
  async bind(listeners: readonly Endpoint[]): Promise<BoundListener[]> {
    for (const listener of listeners) {
      const security = this.options.security?.get(listener.name);
      if (security?.tls !== undefined) this.tlsServers.set(listener.name, this.tlsServer(listener.name, security));
      const server = createServer({ noDelay: true }, (socket) => {
        socket.on('error', (error) => this.logger.debug({ err: error, listener: listener.name }, 'socket error before the connection was set up'));
        this.admission.offer(listener.name, socket, () => this.open(listener.name, socket, security));
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
      this.logger.info({ listener: listener.name, host: listener.host || '0.0.0.0', port, securityProtocol: security?.protocol ?? 'PLAINTEXT' }, 'listening');
    }
    return [...this.bound];
  }

  listeners(): readonly BoundListener[] {
    return this.bound;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Verifies client certificates as ssl.client.auth asks, and hands each secured socket on. */
  private tlsServer(listenerName: string, security: ListenerSecurity): TlsServer {
    const tls = security.tls!;
    const idle = this.options.idleTimeoutMs;
    const server = createTlsServer({
      ...secureContextOptions(tls),
      requestCert: tls.clientAuth !== 'none',
      rejectUnauthorized: tls.clientAuth === 'required',
      // A client that never completes its handshake holds a slot no longer than an idle connection would.
      handshakeTimeout: Number.isFinite(idle) && idle > 0 ? Math.min(idle, 2 ** 31 - 1) : 120_000,
    });
    server.on('secureConnection', (socket: TLSSocket) => this.serve(listenerName, socket, security));
    server.on('tlsClientError', (error, socket) => {
      this.logger.info({ listener: listenerName, peer: socket.remoteAddress, reason: error.message }, 'Failed authentication (TLS handshake)');
    });
    return server;
  }

  /** An admitted socket: TLS first where the listener wants it, then a connection. */
  private open(listenerName: string, socket: Socket, security: ListenerSecurity | undefined): void {
    this.admitted.add(socket);
    socket.once('close', () => this.admitted.delete(socket));
    const tls = this.tlsServers.get(listenerName);
    if (tls === undefined) this.serve(listenerName, socket, security);
    else tls.emit('connection', socket);
  }

  private serve(listenerName: string, socket: Socket, security: ListenerSecurity | undefined): void {
    if (socket.destroyed) return;
    const connection = new Connection(socket, listenerName, this.dispatcher, {
      maxRequestBytes: this.options.maxRequestBytes,
      idleTimeoutMs: this.options.idleTimeoutMs,
      ...(security?.sasl !== undefined
        ? {
            authenticator: new SaslServerAuthenticator(security.sasl),
            saslMaxReceiveSize: this.options.saslMaxReceiveSize ?? 524_288,
            failedAuthenticationDelayMs: this.options.failedAuthenticationDelayMs ?? 100,
          }
        : {}),
      logger: this.logger,
      onClose: (closed) => this.connections.delete(closed),
    });
    this.connections.add(connection);
  }

  /** Stops accepting, then closes every open connection. */
  async close(): Promise<void> {
    const closing = this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    this.admission.closeWaiting();
    for (const connection of [...this.connections]) connection.close('broker shutting down');
    for (const socket of this.admitted) socket.destroy();
    await Promise.all(closing);
  }
}
