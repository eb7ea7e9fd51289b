// Which accepted sockets become connections, as Kafka's ConnectionQuotas decides:
// - max.connections.per.ip (and its overrides): a connection from an address that already has its
//   maximum is closed at once ("Rejected connection from /1.2.3.4, address already has the
//   configured maximum of N connections").
// - max.connections (broker-wide, or per listener with the listener prefix): Kafka stops accepting
//   until a slot frees, so a new connection waits in the kernel's accept backlog. broker-ts keeps
//   such sockets paused, unread, in a queue as long as socket.listen.backlog.size, and admits them
//   in order as connections close; beyond the backlog they are closed, as a full backlog drops them.
//   The inter-broker and controller listeners are not held back by the broker-wide limit, as in Kafka.
import type { Socket } from 'node:net';
import type { ConnectionLimits } from '../config/connection-limits.js';
import type { Logger } from '../logging/logger.js';

interface Waiting {
  listener: string;
  socket: Socket;
  admit: () => void;
}

export class ConnectionAdmission {
  private readonly byIp = new Map<string, number>();
  private readonly byListener = new Map<string, number>();
  private total = 0;
  private readonly waiting: Waiting[] = [];

  constructor(
    private readonly limits: ConnectionLimits,
    /** Listeners the broker-wide limit does not hold back. */
    private readonly exempt: ReadonlySet<string>,
    private readonly logger: Logger,
  ) {}

  /** Connections admitted and not yet closed. */
  get open(): number {
    return this.total;
  }

  /** Sockets waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Decides about a socket just accepted: `admit` runs now, later, or never (the socket is closed). */
  offer(listener: string, socket: Socket, admit: () => void): void {
    const ip = socket.remoteAddress ?? 'unknown';
    const perIp = this.limits.perIpOverrides.get(ip) ?? this.limits.perIp;
    const fromIp = this.byIp.get(ip) ?? 0;
    if (fromIp >= perIp) {
      this.logger.info({ listener, ip }, `Rejected connection from /${ip}, address already has the configured maximum of ${perIp} connections.`);
      socket.destroy();
      return;
    }
    this.byIp.set(ip, fromIp + 1);
    socket.once('close', () => this.forgetIp(ip));
    if (this.hasSlot(listener)) {
      this.take(listener, socket);
      admit();
      return;
    }
    if (this.waiting.length >= this.limits.backlog) {
      this.logger.warn({ listener, ip, backlog: this.limits.backlog }, 'connection refused: max.connections reached and the accept backlog is full');
      socket.destroy();
      return;
    }
    socket.pause();
    const entry: Waiting = { listener, socket, admit };
    this.waiting.push(entry);
    socket.once('close', () => {
      const at = this.waiting.indexOf(entry);
      if (at >= 0) this.waiting.splice(at, 1);
    });
  }

  private hasSlot(listener: string): boolean {
    const listenerLimit = this.limits.perListener.get(listener);
    if (listenerLimit !== undefined && (this.byListener.get(listener) ?? 0) >= listenerLimit) return false;
    return this.exempt.has(listener) || this.total < this.limits.brokerWide;
  }

  private take(listener: string, socket: Socket): void {
    this.total += 1;
    this.byListener.set(listener, (this.byListener.get(listener) ?? 0) + 1);
    socket.once('close', () => {
      this.total -= 1;
      this.byListener.set(listener, (this.byListener.get(listener) ?? 1) - 1);
      this.admitWaiting();
    });
  }

  private admitWaiting(): void {
    for (let i = 0; i < this.waiting.length;) {
      const entry = this.waiting[i]!;
      if (!this.hasSlot(entry.listener)) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      if (entry.socket.destroyed) continue;
      this.take(entry.listener, entry.socket);
      // Handlers first: a socket resumed with no 'data' listener would drop what it reads.
      entry.admit();
      entry.socket.resume();
    }
  }

  private forgetIp(ip: string): void {
    const left = (this.byIp.get(ip) ?? 1) - 1;
    if (left <= 0) this.byIp.delete(ip);
    else this.byIp.set(ip, left);
  }

  /** Closes every socket still waiting (shutdown). */
  closeWaiting(): void {
    for (const entry of this.waiting.splice(0)) entry.socket.destroy();
  }
}
