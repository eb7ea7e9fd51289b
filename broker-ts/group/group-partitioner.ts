// Which __consumer_offsets partition (and so which coordinator) owns a group: Kafka takes
// Utils.abs(groupId.hashCode()) modulo the partition count, with Java's String.hashCode over
// UTF-16 code units, so a group maps to the same partition on Kafka and broker-ts.

export function javaStringHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

export function partitionForGroup(groupId: string, partitionCount: number): number {
  // Utils.abs masks the sign bit rather than negating, so Integer.MIN_VALUE maps to 0.
  return (javaStringHashCode(groupId) & 0x7fffffff) % partitionCount;
}
