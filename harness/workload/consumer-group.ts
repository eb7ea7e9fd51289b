import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaClient } from '../clients/kafkajs.js';
import { HarnessError } from '../errors.js';
import { log } from '../log.js';
import type { ClientSecurity } from '../security/cluster-security.js';
import type { ManagedProcess } from '../runtime/supervisor.js';
import { startClientProcess, startCommandProcess } from './client-process.js';
import { JAVA_MEMBER_CLASS, JAVA_MEMBER_LOG_CONFIG, javaMember } from './java-member.js';
import type { ConsumerMemberConfig } from './consumer-child-main.js';
import { ProcessingChecker } from '../checker/processing-checker.js';
import type { CommitMode } from './commit-modes.js';
import { defineWorkload } from './workload.js';
import { pollUntil, sleep } from '../wait.js';

export interface ConsumerGroupSettings {
  groupId: string;
  members: number;
  commit: CommitMode;
  processingMs: number;
  sessionTimeoutMs: number;
  client?: 'kafkajs' | 'java';
  groupProtocol?: 'classic' | 'consumer';
}

export interface JournalEntry {
  member: string;
  partition: number;
  offset: number;
  id: number;
}

class Member {
  process: ManagedProcess | undefined;
  incarnation = 0;
  /** Messages the running incarnation has started and not yet journalled. */
  inProgress = 0;
  /** Called whenever the running incarnation starts processing a message. */
  onProcessing: (() => void) | undefined;
  constructor(readonly name: string) {}
}

/** A consumer group whose members run as child processes and journal what they process. */
export class ConsumerGroupWorkload {
  private readonly members: Member[];

  constructor(
    private readonly settings: ConsumerGroupSettings,
    private readonly brokers: string[],
    private readonly topic: string,
    private readonly dir: string,
    /** The run's time zero (wall-clock ms), so that members' polls line up with the run's history. */
    private readonly epochMs: number,
    private readonly security?: ClientSecurity,
  ) {
    this.members = Array.from({ length: settings.members }, (_, i) => new Member(`member-${i + 1}`));
  }

  get groupId(): string {
    return this.settings.groupId;
  }

  get memberNames(): string[] {
    return this.members.map((m) => m.name);
  }

  journalFiles(): string[] {
    return this.members.flatMap((m) => Array.from({ length: m.incarnation }, (_, i) => this.journalFile(m, i))).filter((f) => existsSync(f));
  }

  /** Each member incarnation's polls (one op per message delivered to it), on the run's clock. */
  historyFiles(): string[] {
    return this.members.flatMap((m) => Array.from({ length: m.incarnation }, (_, i) => this.historyFile(m, i))).filter((f) => existsSync(f));
  }

  private journalFile(m: Member, incarnation: number): string {
    return join(this.dir, `journal-${m.name}-${incarnation}.jsonl`);
  }

  private historyFile(m: Member, incarnation: number): string {
    return join(this.dir, `history-${m.name}-${incarnation}.jsonl`);
  }

  async start(): Promise<void> {
    await Promise.all(this.members.map((m) => this.startMember(m)));
  }

  private async startMember(m: Member): Promise<void> {
    const i = m.incarnation++;
    const config: ConsumerMemberConfig = {
      member: `${m.name}#${i}`,
      brokers: this.brokers,
      ...(this.security ? { security: this.security } : {}),
      groupId: this.settings.groupId,
      topic: this.topic,
      commit: this.settings.commit,
      processingMs: this.settings.processingMs,
      journalFile: this.journalFile(m, i),
      historyFile: this.historyFile(m, i),
      epochMs: this.epochMs,
      sessionTimeoutMs: this.settings.sessionTimeoutMs,
    };
    let proc: ManagedProcess | undefined;
    m.inProgress = 0;
    const onLine = (line: string) => {
      if (proc !== undefined && m.process !== proc) return;
      if (line === 'processing') {
        m.inProgress++;
        m.onProcessing?.();
      } else if (line === 'processed') m.inProgress = Math.max(0, m.inProgress - 1);
    };
    const name = `consumer-${m.name}-${i}`;
    const logFile = join(this.dir, `${name}.log`);
    proc =
      this.settings.client === 'java'
        ? await startCommandProcess(name, 'java', await this.javaArgs(config), logFile, onLine)
        : await startClientProcess(name, 'consumer-child-main.ts', config, logFile, onLine);
    m.process = proc;
  }

  /** The Java member's command line: the same configuration, as its arguments. */
  private async javaArgs(config: ConsumerMemberConfig): Promise<string[]> {
    if (this.security !== undefined) throw new HarnessError('the Java consumer member does not support SASL or TLS clusters yet');
    const { classpath } = await javaMember();
    return [
      '-Xms64m',
      '-Xmx256m',
      '-XX:TieredStopAtLevel=1',
      `-Dlog4j2.configurationFile=${JAVA_MEMBER_LOG_CONFIG}`,
      '-cp',
      classpath,
      JAVA_MEMBER_CLASS,
      config.member,
      config.brokers.join(','),
      config.groupId,
      config.topic,
      config.commit,
      String(config.processingMs),
      config.journalFile,
      config.historyFile,
      String(config.epochMs),
      String(config.sessionTimeoutMs),
      this.settings.groupProtocol ?? 'classic',
    ];
  }

  private member(name: string): Member {
    const m = this.members.find((x) => x.name === name);
    if (!m) throw new HarnessError(`no consumer member "${name}" (members: ${this.memberNames.join(', ')})`);
    return m;
  }

  /** The member's running (or last) incarnation's process. */
  pidOf(name: string): number | undefined {
    return this.member(name).process?.pid;
  }

  running(name: string): boolean {
    return this.member(name).process?.running ?? false;
  }

  /** SIGKILL of a member: whatever it was processing or about to commit dies with it. */
  async kill(name: string): Promise<void> {
    const proc = this.member(name).process;
    if (!proc?.running) return;
    proc.kill();
    await proc.exited;
  }

  /**
   * SIGKILL of a member in the middle of processing a message (the moment the commit policy is
   * about), or after `withinMs` if it processes nothing by then. Returns whether it was mid-message.
   */
  async killWhileProcessing(name: string, withinMs: number): Promise<boolean> {
    const m = this.member(name);
    const proc = m.process;
    if (!proc?.running) return false;
    const midMessage = await new Promise<boolean>((resolve) => {
      if (m.inProgress > 0) return resolve(true);
      const timer = setTimeout(() => {
        m.onProcessing = undefined;
        resolve(false);
      }, withinMs);
      // Killed synchronously from the line that says it started: the message's handler is still running.
      m.onProcessing = () => {
        clearTimeout(timer);
        m.onProcessing = undefined;
        proc.kill();
        resolve(true);
      };
    });
    proc.kill();
    await proc.exited;
    return midMessage;
  }

  async restart(name: string): Promise<void> {
    const m = this.member(name);
    if (m.process?.running) return;
    await this.startMember(m);
  }

  /** The group's committed offset per partition (-1 when none). */
  async committedOffsets(): Promise<Map<number, number>> {
    const admin = kafkaClient('kafka-chaos-group-check', this.brokers, {}, this.security).admin();
    await admin.connect();
    try {
      const [entry] = await admin.fetchOffsets({ groupId: this.settings.groupId, topics: [this.topic] });
      return new Map((entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    } finally {
      await admin.disconnect();
    }
  }

  /** Waits until the group has committed up to `endOffsets`, then stops every member cleanly. */
  async finish(endOffsets: Map<number, number>, timeoutMs: number): Promise<boolean> {
    for (const m of this.members) if (!m.process?.running) await this.startMember(m);
    const started = Date.now();
    const caughtUp = await pollUntil(async () => committedUpTo(await this.committedOffsets(), endOffsets), { timeoutMs, intervalMs: 500, onError: () => {} });
    const waited = Date.now() - started;
    // Unawaited processing may still be running when the last offset is committed.
    await sleep(this.settings.processingMs + 500);
    const stopping = Date.now();
    await this.stop();
    log.info({ caughtUp, waitedMs: waited, stopMs: Date.now() - stopping }, 'consumer group finished');
    return caughtUp;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.members.map(async (m) => {
        if (!m.process?.running) return;
        await m.process.stop(15_000);
      }),
    );
  }
}

/** The committed offsets have reached every partition's end (an empty partition needs none). */
export function committedUpTo(committed: ReadonlyMap<number, number>, endOffsets: ReadonlyMap<number, number>): boolean {
  return [...endOffsets].every(([p, end]) => end === 0 || (committed.get(p) ?? -1) >= end);
}

export function readJournal(file: string): JournalEntry[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as JournalEntry];
      } catch {
        return [];
      }
    });
}

declare module './workload.js' {
  interface WorkloadHandles {
    consumers: ConsumerGroupWorkload;
  }
}

/** How long the group may take, after the drain, to commit up to the end of the log. */
const CATCH_UP_MS = 120_000;

/** The experiment's consumer group (`consumers:`): running before anything is produced, judged on what its members processed. */
export const consumerGroupKind = defineWorkload({
  name: 'consumers',
  startOrder: 0,
  present: (experiment) => experiment.consumers !== undefined,
  create({ experiment, cluster, recorder, dir }) {
    const group = new ConsumerGroupWorkload(
      { groupId: `kafka-chaos-${experiment.name}`, ...experiment.consumers! },
      cluster.bootstrapServers(),
      experiment.topic.name,
      dir,
      recorder.epochMs,
      cluster.clientSecurity,
    );
    return {
      handle: group,
      start: () => group.start(),
      async finish({ endOffsets, result }) {
        const caughtUp = await group.finish(new Map(endOffsets), CATCH_UP_MS);
        result.committedOffsets.group = Object.fromEntries(await group.committedOffsets());
        // Lost processing is judged below the committed offsets: short of the end, part of the log goes unjudged.
        if (!caughtUp)
          throw new Error(
            `the consumer group did not commit up to the end of the log within ${CATCH_UP_MS / 1000} s (committed ${JSON.stringify(result.committedOffsets.group)} of ${JSON.stringify(Object.fromEntries(endOffsets))})`,
          );
      },
      stop: () => group.stop(),
      historyFiles: () => group.historyFiles(),
      journalFiles: () => group.journalFiles(),
    };
  },
  checker() {
    const checker = new ProcessingChecker();
    return {
      add: (op) => checker.add(op),
      addJournal: (file) => checker.addJournal(readJournal(file)),
      judge(result) {
        result.processing = checker.result(new Map(Object.entries(result.committedOffsets.group ?? {}).map(([p, o]) => [Number(p), o])));
      },
    };
  },
});
