/**
 * Who a producer incarnation is in the history: its message ids and its client process numbers.
 * Every producer of a run, and every restart of a child producer, gets a block of its own, so ids
 * and process numbers are unique across the whole run (the checker orders sends per process).
 */
export interface ProducerIdentity {
  /** Message ids are idBase, idBase + 1, ... below idBase + IDS_PER_INCARNATION. */
  idBase: number;
  /** Client process numbers are processBase + n below processBase + PROCESSES_PER_INCARNATION. */
  processBase: number;
}

export const IDS_PER_INCARNATION = 100_000_000;
export const PROCESSES_PER_INCARNATION = 1_000_000;
export const INCARNATIONS_PER_PRODUCER = 10_000;

/** The identity block of a run's `producer`-th producer in its `incarnation`-th process. */
export function producerIdentity(producer: number, incarnation: number): ProducerIdentity {
  if (incarnation >= INCARNATIONS_PER_PRODUCER) throw new Error(`a producer may be started at most ${INCARNATIONS_PER_PRODUCER} times in one run`);
  const block = producer * INCARNATIONS_PER_PRODUCER + incarnation;
  const identity = { idBase: block * IDS_PER_INCARNATION, processBase: block * PROCESSES_PER_INCARNATION };
  if (!Number.isSafeInteger(identity.idBase + IDS_PER_INCARNATION)) throw new Error(`too many producers for unique message ids (${producer + 1})`);
  return identity;
}
