// A kafkajs socketFactory that keeps a copy of every request frame the client writes, so a test can
// replay exactly what kafkajs put on the wire (a retried batch, say).
import { connect } from 'node:net';
import type { ISocketFactory } from 'kafkajs';
import { FrameDecoder } from '@kafka-chaos/protocol';

export interface RecordingSockets {
  socketFactory: ISocketFactory;
  /** Request frames, size prefix included, in the order they were written. */
  requests: Buffer[];
  requestsOf(apiKey: number): Buffer[];
}

export function recordingSocketFactory(): RecordingSockets {
  const requests: Buffer[] = [];
  const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = connect({ host, port }, onConnect);
    const frames = new FrameDecoder();
    const write = socket.write.bind(socket) as (chunk: Buffer | string, ...rest: unknown[]) => boolean;
    socket.write = ((chunk: Buffer | string, ...rest: unknown[]) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      for (const frame of frames.push(bytes).frames) {
        const copy = Buffer.alloc(frame.length + 4);
        copy.writeInt32BE(frame.length, 0);
        frame.copy(copy, 4);
        requests.push(copy);
      }
      return write(chunk, ...rest);
    }) as typeof socket.write;
    return socket;
  };
  return {
    socketFactory,
    requests,
    requestsOf: (apiKey) => requests.filter((frame) => frame.readInt16BE(4) === apiKey),
  };
}
