// The durable part of a voter's state (epoch, vote, leader), in `quorum-state` beside the metadata
// log as in KRaft: written and fsynced before a vote is answered or an epoch is taken.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { QuorumStateSnapshot, QuorumStore } from './raft-log.js';

export class QuorumStateFile implements QuorumStore {
  private readonly file: string;
  private last: string | undefined;

  constructor(dir: string) {
    this.file = join(dir, 'quorum-state');
  }

  read(): QuorumStateSnapshot | undefined {
    try {
      const stored = JSON.parse(readFileSync(this.file, 'utf8')) as { leaderEpoch: number; votedId: number; leaderId: number };
      return { epoch: stored.leaderEpoch, votedId: stored.votedId, leaderId: stored.leaderId };
    } catch {
      return undefined;
    }
  }

  write(state: QuorumStateSnapshot): void {
    const text = JSON.stringify({ leaderEpoch: state.epoch, votedId: state.votedId, leaderId: state.leaderId, dataVersion: 0 });
    if (text === this.last) return;
    const temp = `${this.file}.tmp`;
    const fd = openSync(temp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.file);
    // The rename is durable only once the directory is: a vote forgotten in a power loss lets
    // this node vote twice in one epoch.
    const dir = openSync(dirname(this.file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    this.last = text;
  }
}
