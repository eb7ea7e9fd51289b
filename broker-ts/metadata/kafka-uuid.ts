// Kafka's UUIDs (topic ids, incarnation ids, cluster ids) in their 22-character base64url form, as
// Uuid.randomUuid makes them: a version-4 UUID that is not the reserved zero or one id and whose
// text does not start with '-' (it would look like a command-line option).
import { randomBytes } from 'node:crypto';

const RESERVED = new Set(['AAAAAAAAAAAAAAAAAAAAAA', 'AAAAAAAAAAAAAAAAAAAAAQ']);

export function randomKafkaUuid(): string {
  for (;;) {
    const bytes = randomBytes(16);
    bytes[6] = (bytes[6]! & 0x0f) | 0x40;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    const text = bytes.toString('base64url');
    if (!text.startsWith('-') && !RESERVED.has(text)) return text;
  }
}
