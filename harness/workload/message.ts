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

/**
 * Whether a value is a workload message as encodeMessage wrote it: an id, '|' and padding only.
 * A bit flipped in the padding leaves the id readable; only this check sees it.
 */
export function isIntactMessage(value: Buffer | null): boolean {
  if (!value) return false;
  const bar = value.indexOf(0x7c);
  if (bar < 1 || decodeMessageId(value) < 0) return false;
  for (let i = bar + 1; i < value.length; i++) if (value[i] !== 0x2e) return false;
  return true;
}

/**
 * Indexes of the records read that are not intact workload messages, or whose batch failed its CRC
 * (`crcValid`, parallel to `values`, when the reader checked): PollOp.corrupt.
 */
export function corruptIndexes(values: readonly (Buffer | null)[], crcValid?: readonly boolean[]): number[] {
  const corrupt: number[] = [];
  values.forEach((value, i) => {
    if (!isIntactMessage(value) || crcValid?.[i] === false) corrupt.push(i);
  });
  return corrupt;
}

/** The transaction a pipeline named in an output value (`<id>|<transaction>`), or '' for none. */
export function transactionOfOutput(value: Buffer | null): string {
  if (!value) return '';
  const text = value.toString('latin1');
  const bar = text.indexOf('|');
  return bar < 0 ? '' : text.slice(bar + 1);
}
