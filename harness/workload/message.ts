/**
 * A workload message carries its run-unique id as the leading digits of its value, padded to the
 * configured size, so any consumer can tell which send it came from.
 */
export function encodeMessage(id: number, size: number): Buffer {
  const head = `${id}|`;
  const buf = Buffer.alloc(Math.max(size, head.length), 0x2e);
  buf.write(head, 0, 'latin1');
  return buf;
}

/** The id in a message value, or -1 if the value is not a workload message. */
export function decodeMessageId(value: Buffer | null): number {
  if (!value) return -1;
  let id = 0;
  let i = 0;
  for (; i < value.length && i < 17; i++) {
    const c = value[i]!;
    if (c === 0x7c) return i === 0 ? -1 : id;
    if (c < 0x30 || c > 0x39) return -1;
    id = id * 10 + (c - 0x30);
  }
  return -1;
}
