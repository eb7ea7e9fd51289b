// The kinds of abuse a fuzz case inflicts on the broker, each generated from its own seeded
// random source (so case N of a run with seed S can be made again), and what must hold afterwards.
// Any reaction to garbage is acceptable (an answer, a closed connection) except accepting a damaged
// record batch, or keeping a connection open whose framing cannot be trusted any more.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { APIS, ApiKey, ErrorCode, decodeResponse, encodeRawRequest, encodeRequest, versionEntry } from '@kafka-chaos/protocol';
import type { SupportedApiKey } from '@kafka-chaos/protocol';
import { randomBody } from './field-values.js';
import { SeededRandom } from '@kafka-chaos/protocol/seeded-random';
import { DAMAGES, damagedBatch, validBatch } from './garbage-batches.js';
import { mutateFrame } from './mutations.js';
import { RawConnection } from './raw-connection.js';
import type { Reaction } from './raw-connection.js';

export type CaseKind =
  | 'mutated-request'
  | 'random-request'
  | 'random-frame'
  | 'unknown-api'
  | 'bad-length'
  | 'garbage-batch'
  | 'slow-sender'
  | 'stalled-sender'
  | 'pipelined-reset'
  | 'connection-flood';

export const CASE_WEIGHTS: Readonly<Record<CaseKind, number>> = {
  'mutated-request': 520,
  'random-request': 120,
  'random-frame': 80,
  'unknown-api': 50,
  'bad-length': 40,
  'garbage-batch': 150,
  'slow-sender': 8,
  'stalled-sender': 8,
  'pipelined-reset': 20,
  'connection-flood': 4,
};

/**
 * Requests left out, because what they do on success is legitimate and unbounded or changes what
 * the canary relies on: creating topics and partitions (a mutated count of 2^31), deleting topics
 * and records, altering configs (max.message.bytes=0 on every topic is a valid request).
 */
export const EXCLUDED_APIS: ReadonlySet<number> = new Set([
  ApiKey.CreateTopics,
  ApiKey.DeleteTopics,
  ApiKey.DeleteRecords,
  ApiKey.AlterConfigs,
  ApiKey.CreatePartitions,
]);

const FUZZED_APIS = Object.values(APIS).filter((api) => !EXCLUDED_APIS.has(api.apiKey));

export interface TargetTopic {
  name: string;
  partitions: number;
  maxMessageBytes: number;
  /** Records acknowledged per partition: the log end offsets the broker must report. */
  acknowledged: bigint[];
}

export interface CaseContext {
  host: string;
  port: number;
  target: TargetTopic;
  /** A problem that fails the run (the broker accepted what it must refuse). */
  finding(message: string): void;
}

/** A worker's connection, reused across frame cases until the broker closes it. */
export class Worker {
  private connection: RawConnection | undefined;

  constructor(private readonly ctx: CaseContext) {}

  async exchange(frame: Buffer, timeoutMs: number): Promise<{ reaction: Reaction; frames: Buffer[] }> {
    if (this.connection === undefined || this.connection.closed) this.connection = await RawConnection.open(this.ctx.host, this.ctx.port);
    const reaction = await this.connection.exchange(frame, timeoutMs);
    const frames = this.connection.takeFrames();
    // Silence leaves a request (or half a frame) behind, and a size prefix that disagrees with the
    // bytes sent leaves the stream misaligned: start the next case on a clean connection.
    if (reaction === 'silent' || frame.length < 4 || frame.readInt32BE(0) !== frame.length - 4) this.drop();
    return { reaction, frames };
  }

  drop(): void {
    this.connection?.destroy();
    this.connection = undefined;
  }
}

export interface CaseResult {
  kind: CaseKind;
  reaction: Reaction | 'done';
}

/** Runs case `index` of the run seeded with `seed`. */
export async function runCase(ctx: CaseContext, worker: Worker, seed: number, index: number): Promise<CaseResult> {
  const random = new SeededRandom((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const kind = random.weighted(CASE_WEIGHTS);
  const reaction = await CASES[kind](ctx, worker, random, index);
  return { kind, reaction };
}

type CaseRunner = (ctx: CaseContext, worker: Worker, random: SeededRandom, index: number) => Promise<Reaction | 'done'>;

const FRAME_TIMEOUT_MS = 250;

function randomRequest(random: SeededRandom, index: number): { frame: Buffer; apiKey: number; version: number } | undefined {
  const api = random.pick(FUZZED_APIS);
  const version = api.minVersion + random.int(api.maxVersion - api.minVersion + 1);
  const entry = versionEntry(api.apiKey, version)!;
  try {
    const body = randomBody(entry.request, random);
    const frame = encodeRequest(
      { apiKey: api.apiKey as SupportedApiKey, apiVersion: version, correlationId: index & 0x7fffffff, clientId: random.chance(0.9) ? 'fuzz' : null },
      body as never,
    );
    return { frame, apiKey: api.apiKey, version };
  } catch {
    // A value the encoder refuses (a string over 32767 bytes, say): nothing to send.
    return undefined;
  }
}

const CASES: Record<CaseKind, CaseRunner> = {
  async 'mutated-request'(_ctx, worker, random, index) {
    const request = randomRequest(random, index);
    if (request === undefined) return 'done';
    return (await worker.exchange(mutateFrame(request.frame, random).frame, FRAME_TIMEOUT_MS)).reaction;
  },

  async 'random-request'(_ctx, worker, random, index) {
    const request = randomRequest(random, index);
    if (request === undefined) return 'done';
    return (await worker.exchange(request.frame, FRAME_TIMEOUT_MS)).reaction;
  },

  async 'random-frame'(_ctx, worker, random) {
    const body = random.bytes(random.int(200));
    const frame = Buffer.concat([Buffer.alloc(4), body]);
    frame.writeInt32BE(body.length, 0);
    return (await worker.exchange(frame, FRAME_TIMEOUT_MS)).reaction;
  },

  async 'unknown-api'(_ctx, worker, random, index) {
    const known = random.chance(0.5);
    const apiKey = known ? random.pick(FUZZED_APIS).apiKey : 70 + random.int(32_000);
    const apiVersion = known ? random.pick([100, 32_767, 1000]) : random.int(20);
    const frame = encodeRawRequest({ apiKey, apiVersion, correlationId: index & 0x7fffffff, clientId: 'fuzz' }, random.bytes(random.int(64)));
    // A negative version, which the header codec cannot write: patched in afterwards.
    if (random.chance(0.2)) frame.writeInt16BE(-1 - random.int(32_767), 6);
    return (await worker.exchange(frame, FRAME_TIMEOUT_MS)).reaction;
  },

  async 'bad-length'(ctx, _worker, random) {
    const connection = await RawConnection.open(ctx.host, ctx.port);
    const size = Buffer.alloc(4);
    const shape = random.pick(['negative', 'huge', 'over-limit', 'truncated', 'empty'] as const);
    if (shape === 'negative') size.writeInt32BE(-1 - random.int(1_000_000), 0);
    else if (shape === 'huge') size.writeInt32BE(2_147_483_647, 0);
    else if (shape === 'over-limit') size.writeInt32BE(100 * 1024 * 1024 + 1 + random.int(1000), 0);
    else if (shape === 'truncated') size.writeInt32BE(100 + random.int(1000), 0);
    else size.writeInt32BE(0, 0);
    connection.write(shape === 'truncated' ? Buffer.concat([size, random.bytes(random.int(100))]) : size);
    if (shape === 'truncated') {
      // Half a frame, then the client goes away.
      connection.destroy();
      return 'done';
    }
    const closed = await connection.waitForClose(5000);
    if (!closed) ctx.finding(`a frame announcing ${size.readInt32BE(0)} bytes did not close its connection`);
    connection.destroy();
    return closed ? 'closed' : 'silent';
  },

  async 'garbage-batch'(ctx, worker, random, index) {
    const { target } = ctx;
    const partition = random.int(target.partitions);
    // Now and then a sound batch, so the produce path is shown to work between the refusals.
    if (random.chance(0.05)) return produceSound(ctx, worker, random, index, partition);
    const damage = random.pick(DAMAGES);
    const records = damagedBatch(damage, random, target.maxMessageBytes);
    const version = 3 + random.int(7);
    const acks = random.pick([1, -1, 1, 0] as const);
    const frame = encodeRequest(
      { apiKey: ApiKey.Produce, apiVersion: version, correlationId: index & 0x7fffffff, clientId: 'fuzz' },
      { transactionalId: null, acks, timeoutMs: 5000, topicData: [{ name: target.name, partitionData: [{ index: partition, records }] }] },
    );
    const { reaction, frames } = await worker.exchange(frame, acks === 0 ? 50 : 2000);
    if (reaction === 'answered') {
      const answer = decodeResponse(frames[0]!, ApiKey.Produce, version).body.responses[0]?.partitionResponses[0];
      if (answer?.errorCode === ErrorCode.NONE) ctx.finding(`a batch with damage "${damage}" was acknowledged at offset ${answer.baseOffset}`);
    }
    return reaction;
  },

  async 'slow-sender'(ctx, _worker, random, index) {
    const frame = encodeRequest({ apiKey: ApiKey.Metadata, apiVersion: random.int(13), correlationId: index & 0x7fffffff, clientId: 'slow' }, { topics: [] });
    const socket = await openSocket(ctx);
    const answered = new Promise<boolean>((resolve) => {
      socket.once('data', () => resolve(true));
      socket.once('close', () => resolve(false));
    });
    for (const byte of frame) {
      socket.write(Buffer.of(byte));
      await sleep(random.int(3));
    }
    const ok = await Promise.race([answered, sleep(5000).then(() => false)]);
    if (!ok) ctx.finding('a Metadata request sent one byte at a time got no answer');
    socket.destroy();
    return ok ? 'answered' : 'silent';
  },

  async 'stalled-sender'(ctx, _worker, random, index) {
    const request = randomRequest(random, index);
    if (request === undefined) return 'done';
    const socket = await openSocket(ctx);
    socket.write(request.frame.subarray(0, 1 + random.int(request.frame.length - 1)));
    await sleep(50 + random.int(300));
    socket.destroy();
    return 'done';
  },

  async 'pipelined-reset'(ctx, _worker, random, index) {
    const frames: Buffer[] = [];
    for (let i = 0; i < 5 + random.int(40); i++) {
      const request = randomRequest(random, index * 64 + i);
      if (request !== undefined) frames.push(request.frame);
    }
    const socket = await openSocket(ctx);
    socket.write(Buffer.concat(frames));
    await sleep(random.int(20));
    // Gone with a reset while the broker may still be answering.
    socket.resetAndDestroy();
    return 'done';
  },

  async 'connection-flood'(ctx, _worker, random) {
    const count = 100 + random.int(300);
    const sockets = await Promise.all(Array.from({ length: count }, () => openSocket(ctx).catch(() => undefined)));
    for (const socket of sockets) if (socket !== undefined && random.chance(0.3)) socket.write(random.bytes(1 + random.int(10)));
    await sleep(100 + random.int(200));
    for (const socket of sockets) socket?.destroy();
    return 'done';
  },
};

async function produceSound(ctx: CaseContext, worker: Worker, random: SeededRandom, index: number, partition: number): Promise<Reaction> {
  const count = 1 + random.int(4);
  const frame = encodeRequest(
    { apiKey: ApiKey.Produce, apiVersion: 9, correlationId: index & 0x7fffffff, clientId: 'fuzz' },
    {
      transactionalId: null,
      acks: 1,
      timeoutMs: 5000,
      topicData: [{ name: ctx.target.name, partitionData: [{ index: partition, records: validBatch(random, count) }] }],
    },
  );
  // A connection of its own: a sound request must not pay for the damage of an earlier case.
  worker.drop();
  const { reaction, frames } = await worker.exchange(frame, 5000);
  if (reaction !== 'answered') {
    ctx.finding(`a sound produce request got no answer (${reaction})`);
    return reaction;
  }
  const answer = decodeResponse(frames[0]!, ApiKey.Produce, 9).body.responses[0]!.partitionResponses[0]!;
  if (answer.errorCode !== ErrorCode.NONE) ctx.finding(`a sound batch was refused with error ${answer.errorCode}`);
  else ctx.target.acknowledged[partition]! += BigInt(count);
  return reaction;
}

function openSocket(ctx: CaseContext): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: ctx.host, port: ctx.port });
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve(socket));
    socket.once('close', () => reject(new Error('connection refused')));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
