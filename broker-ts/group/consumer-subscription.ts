// The topics a classic group's members subscribe to, read from their protocol metadata when the
// group speaks Kafka's consumer protocol. OffsetDelete refuses to delete the offsets of those topics.
import { CONSUMER_PROTOCOL_TYPE, subscribedTopicsOf } from '@kafka-chaos/protocol';
import type { ClassicGroup } from './classic-group.js';

/**
 * As Kafka's ClassicGroup.computeSubscribedTopics: the union of the members' subscriptions, for a
 * group of the consumer protocol with a selected protocol; undefined when that cannot be known.
 */
export function subscribedTopics(group: ClassicGroup): Set<string> | undefined {
  if (group.members.size === 0) return new Set();
  if (group.protocolType !== CONSUMER_PROTOCOL_TYPE || group.protocolName === null) return undefined;
  const topics = new Set<string>();
  for (const member of group.members.values()) {
    const own = subscribedTopicsOf(member.metadataFor(group.protocolName));
    if (own === undefined) return undefined;
    for (const topic of own) topics.add(topic);
  }
  return topics;
}
