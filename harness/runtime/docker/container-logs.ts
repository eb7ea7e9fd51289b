import type Dockerode from 'dockerode';

/**
 * A container's stdout and stderr as text. Without a TTY, Docker multiplexes both streams into
 * frames of an 8-byte header (stream, 3 zero bytes, big-endian length) and the payload.
 */
export async function containerOutput(container: Dockerode.Container, tail?: number): Promise<string> {
  const raw = (await container.logs({ stdout: true, stderr: true, follow: false, ...(tail !== undefined ? { tail } : {}) })) as unknown as Buffer;
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const size = raw.readUInt32BE(offset + 4);
    chunks.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(chunks).toString('utf8');
}
