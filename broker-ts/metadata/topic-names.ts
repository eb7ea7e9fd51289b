// Topic naming rules, as Kafka's Topic class has them: legal characters and length, internal topics,
// and names that collide once '.' and '_' are treated alike (they share metric names).
import { ApiError } from '../errors/api-error.js';

export const MAX_TOPIC_NAME_LENGTH = 249;
export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';
export const TRANSACTION_STATE_TOPIC = '__transaction_state';
export const SHARE_GROUP_STATE_TOPIC = '__share_group_state';

const INTERNAL_TOPICS: ReadonlySet<string> = new Set([CONSUMER_OFFSETS_TOPIC, TRANSACTION_STATE_TOPIC, SHARE_GROUP_STATE_TOPIC]);
const LEGAL = /^[a-zA-Z0-9._-]+$/;

export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name);
}

/** Throws INVALID_TOPIC_EXCEPTION with Kafka's message when the name is not a legal topic name. */
export function validateTopicName(name: string): void {
  if (name.length === 0) throw ApiError.of('INVALID_TOPIC_EXCEPTION', "Topic name is illegal, it can't be empty");
  if (name === '.' || name === '..') throw ApiError.of('INVALID_TOPIC_EXCEPTION', 'Topic name cannot be "." or ".."');
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    throw ApiError.of('INVALID_TOPIC_EXCEPTION', `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`);
  }
  if (!LEGAL.test(name)) {
    throw ApiError.of('INVALID_TOPIC_EXCEPTION', `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`);
  }
}

/**
 * Why a name is no topic's, in the words of the check Kafka's request handlers use (the client
 * library's Topic.validate), which are not those of the controller's check above; undefined for a
 * legal name.
 */
export function topicValidateMessage(name: string): string | undefined {
  let reason: string | undefined;
  if (name.length === 0) reason = 'the empty string is not allowed';
  else if (name === '.' || name === '..') reason = `'${name}' is not allowed`;
  else if (name.length > MAX_TOPIC_NAME_LENGTH) reason = `the length of '${name}' is longer than the max allowed length ${MAX_TOPIC_NAME_LENGTH}`;
  else if (!LEGAL.test(name)) reason = `'${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`;
  return reason === undefined ? undefined : `Topic name is invalid: ${reason}`;
}

export function isValidTopicName(name: string): boolean {
  return name.length > 0 && name !== '.' && name !== '..' && name.length <= MAX_TOPIC_NAME_LENGTH && LEGAL.test(name);
}

/** '.' and '_' become the same character in metric names, so Kafka refuses topics differing only there. */
export function unifyCollisionChars(name: string): string {
  return name.replaceAll('.', '_');
}
