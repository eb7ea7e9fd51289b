// Kafka frames every request and response with a 4-byte big-endian size. FrameDecoder turns a
// stream of socket chunks into whole frames; the size is checked before any byte of the body is
// awaited, so a peer announcing a 2 GB frame is refused at once instead of being buffered.
import { ProtocolError } from './codec/protocol-error.js';

export const FRAME_SIZE_BYTES = 4;
/** Kafka's default socket.request.max.bytes. */
export const DEFAULT_MAX_FRAME_SIZE = 104_857_600;

export interface FrameBatch {
  /** Complete frames, without their size prefix, in arrival order. */
  frames: Buffer[];
  /**
   * Set once the stream is unusable (negative or oversized frame); frames before the bad one are
   * still returned. The connection should be closed: the stream cannot be resynchronised.
   */
  error: ProtocolError | undefined;
}

export class FrameDecoder {
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Body size of the frame being received, or -1 while its size prefix is still incomplete. */
  private expected = -1;
  private failure: ProtocolError | undefined;

  /** Frames announcing more than this end the stream; a connection may raise it (after SASL authentication). */
  constructor(public maxFrameSize = DEFAULT_MAX_FRAME_SIZE) {}

  /** Bytes received but not yet returned as frames. */
  get buffered(): number {
    return this.pendingBytes;
  }

  push(chunk: Buffer): FrameBatch {
    if (this.failure !== undefined) return { frames: [], error: this.failure };
    if (chunk.length > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
    }
    const frames: Buffer[] = [];
    for (;;) {
      if (this.expected === -1) {
        if (this.pendingBytes < FRAME_SIZE_BYTES) break;
        const size = this.take(FRAME_SIZE_BYTES).readInt32BE(0);
        if (size < 0) {
          this.failure = new ProtocolError('negative-frame-size', `frame size ${size} is negative`);
          break;
        }
        if (size > this.maxFrameSize) {
          this.failure = new ProtocolError('frame-too-large', `frame of ${size} bytes exceeds the limit of ${this.maxFrameSize}`);
          break;
        }
        this.expected = size;
      }
      if (this.pendingBytes < this.expected) break;
      frames.push(this.take(this.expected));
      this.expected = -1;
    }
    return { frames, error: this.failure };
  }

  /** Removes the next `size` buffered bytes; a view when they sit in one chunk, else a copy. */
  private take(size: number): Buffer {
    const first = this.pending[0];
    if (first !== undefined && first.length >= size) {
      const taken = first.subarray(0, size);
      if (first.length === size) this.pending.shift();
      else this.pending[0] = first.subarray(size);
      this.pendingBytes -= size;
      return taken;
    }
    const taken = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const chunk = this.pending[0]!;
      const part = Math.min(chunk.length, size - filled);
      chunk.copy(taken, filled, 0, part);
      filled += part;
      if (part === chunk.length) this.pending.shift();
      else this.pending[0] = chunk.subarray(part);
    }
    this.pendingBytes -= size;
    return taken;
  }
}
