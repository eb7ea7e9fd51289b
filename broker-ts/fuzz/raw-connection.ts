// One TCP connection of the fuzzer: writes bytes and reports what the broker did about them
// (answered with a frame, closed the connection, or neither within the time allowed).
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { FrameDecoder } from '@kafka-chaos/protocol';

export type Reaction = 'answered' | 'closed' | 'silent';

export class RawConnection {
  private readonly frames = new FrameDecoder(1 << 30);
  private waiter: ((reaction: Reaction) => void) | undefined;
  private ended = false;
  private received: Buffer[] = [];

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      const { frames, error } = this.frames.push(chunk);
      if (frames.length > 0) {
        this.received.push(...frames);
        this.settle('answered');
      }
      if (error !== undefined) socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.ended = true;
      this.settle('closed');
    });
  }

  static open(host: string, port: number, timeoutMs = 5000): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connecting to ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new RawConnection(socket));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Frames answered so far and not yet taken. */
  takeFrames(): Buffer[] {
    const frames = this.received;
    this.received = [];
    return frames;
  }

  /** Writes `bytes` and waits for the first answer or the close, at most `timeoutMs`. */
  exchange(bytes: Buffer, timeoutMs: number): Promise<Reaction> {
    if (this.ended) return Promise.resolve('closed');
    this.received = [];
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle('silent'), timeoutMs);
      this.waiter = (reaction) => {
        clearTimeout(timer);
        resolve(reaction);
      };
      this.socket.write(bytes);
    });
  }

  /** Writes without waiting for anything. */
  write(bytes: Buffer): void {
    if (!this.ended) this.socket.write(bytes);
  }

  /** Waits until the broker closes the connection, at most `timeoutMs`; true if it did. */
  waitForClose(timeoutMs: number): Promise<boolean> {
    if (this.ended) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Closes with a reset, as a client that crashed would. */
  destroy(): void {
    this.socket.resetAndDestroy();
  }

  private settle(reaction: Reaction): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(reaction);
  }
}
