// Which partition of a coordinator topic (and so which coordinator) owns a key: Kafka takes
// Utils.abs(key.hashCode()) modulo the partition count, for group ids in __consumer_offsets and for
// transactional ids in __transaction_state alike, with Java's String.hashCode over UTF-16 code
// units, so a key maps to the same partition on Kafka and broker-ts.

export function javaStringHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

export function partitionForKey(key: string, partitionCount: number): number {
  // Utils.abs masks the sign bit rather than negating, so Integer.MIN_VALUE maps to 0.
  return (javaStringHashCode(key) & 0x7fffffff) % partitionCount;
}
