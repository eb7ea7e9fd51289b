// The assignors group.consumer.assignors can name; the first listed is the default.
import type { ServerAssignor } from './assignor.js';
import { rangeAssignor } from './range-assignor.js';
import { uniformAssignor } from './uniform-assignor.js';

const KNOWN: readonly ServerAssignor[] = [uniformAssignor, rangeAssignor];

/** Kafka accepts the short names and the assignors' class names. */
const CLASS_NAMES: Record<string, string> = {
  'org.apache.kafka.coordinator.group.assignor.UniformAssignor': 'uniform',
  'org.apache.kafka.coordinator.group.assignor.RangeAssignor': 'range',
};

export function serverAssignors(names: readonly string[]): ServerAssignor[] {
  return names.map((raw) => {
    const name = CLASS_NAMES[raw.trim()] ?? raw.trim();
    const assignor = KNOWN.find((a) => a.name === name);
    if (assignor === undefined) throw new Error(`group.consumer.assignors: unknown assignor "${raw}" (known: ${KNOWN.map((a) => a.name).join(', ')})`);
    return assignor;
  });
}
