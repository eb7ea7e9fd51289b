import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogManager, parsePartitionDirName } from './log-manager.js';
import { appendBatches, readAllRecords } from './test-support/log-fixture.js';
import { tempDirs } from './test-support/temp-dirs.js';

const dirs = tempDirs();
const managers: LogManager[] = [];
afterEach(async () => {
  await Promise.allSettled(managers.splice(0).map((manager) => manager.close()));
  await dirs.cleanup();
});

async function openManager(logDirs: string[], topicConfig?: Parameters<typeof LogManager.open>[0]['topicConfig']): Promise<LogManager> {
  const manager = await LogManager.open({ logDirs, config: { segmentBytes: 800 }, topicConfig });
  managers.push(manager);
  return manager;
}

describe('LogManager', () => {
  it('names partition directories <topic>-<partition>, dashes in topic names included', () => {
    expect(parsePartitionDirName('orders-3')).toEqual({ topic: 'orders', partition: 3 });
    expect(parsePartitionDirName('my-topic.v2-12')).toEqual({ topic: 'my-topic.v2', partition: 12 });
    expect(parsePartitionDirName('orders-3.0123456789abcdef0123456789abcdef-delete')).toBeUndefined();
    expect(parsePartitionDirName('lost+found')).toBeUndefined();
  });

  it('creates logs across log dirs and finds them again at start-up', async () => {
    const logDirs = [dirs.make(), dirs.make()];
    const manager = await openManager(logDirs);
    const created = await Promise.all([0, 1, 2, 3].map((p) => manager.getOrCreate('events', p)));
    expect(await manager.getOrCreate('events', 0)).toBe(created[0]);
    for (const [p, log] of created.entries()) appendBatches(log, p + 1, 2);
    expect(fs.readdirSync(logDirs[0]!).length).toBe(2);
    expect(fs.readdirSync(logDirs[1]!).length).toBe(2);
    await manager.close();

    const restarted = await openManager(logDirs);
    expect(
      restarted
        .all()
        .map((e) => `${e.topic}-${e.partition}`)
        .sort(),
    ).toEqual(['events-0', 'events-1', 'events-2', 'events-3']);
    for (const p of [0, 1, 2, 3]) expect(restarted.get('events', p)?.logEndOffset).toBe(BigInt(2 * (p + 1)));
    expect(readAllRecords(restarted.get('events', 2)!).at(-1)?.value).toBe('b2-r1');
  });

  it('applies topic-level settings on top of the broker ones', async () => {
    const manager = await openManager([dirs.make()], (topic) => (topic === 'stamped' ? { messageTimestampType: 'LogAppendTime' } : undefined));
    expect((await manager.getOrCreate('stamped', 0)).config).toMatchObject({ messageTimestampType: 'LogAppendTime', segmentBytes: 800 });
    expect((await manager.getOrCreate('plain', 0)).config.messageTimestampType).toBe('CreateTime');
    expect((await manager.getOrCreate('plain', 1, { segmentBytes: 5000 })).config.segmentBytes).toBe(5000);
    expect(() => manager.getOrCreate('bad/name', 0)).toThrow(RangeError);
  });

  it('deletes a partition and a whole topic, and finishes deletions interrupted by a crash', async () => {
    const logDir = dirs.make();
    const manager = await openManager([logDir]);
    for (const p of [0, 1]) appendBatches(await manager.getOrCreate('doomed', p), 3);
    appendBatches(await manager.getOrCreate('kept', 0), 3);
    await manager.delete('doomed', 0);
    expect(manager.get('doomed', 0)).toBeUndefined();
    expect(fs.readdirSync(logDir).sort()).toEqual(['doomed-1', 'kept-0']);
    await manager.deleteTopic('doomed');
    expect(fs.readdirSync(logDir)).toEqual(['kept-0']);
    await manager.close();

    const interrupted = path.join(logDir, 'kept-7.0123456789abcdef0123456789abcdef-delete');
    fs.mkdirSync(interrupted);
    fs.writeFileSync(path.join(interrupted, '00000000000000000000.log'), 'x');
    const restarted = await openManager([logDir]);
    expect(fs.readdirSync(logDir)).toEqual(['kept-0']);
    expect(restarted.all()).toHaveLength(1);
  });
});
