import { cut } from './cut.js';
import { disconnect } from './disconnect.js';
import { diskCorrupt } from './disk-corrupt.js';
import { diskEio } from './disk-eio.js';
import type { FaultKind } from './fault.js';
import { kill } from './kill.js';
import { killConsumer } from './kill-consumer.js';
import { killPipeline } from './kill-pipeline.js';
import { mix } from './mix.js';
import { killProducer } from './kill-producer.js';
import { pause } from './pause.js';
import { powerLoss } from './power-loss.js';
import { reassign } from './reassign.js';
import { restart } from './restart.js';
import { rollback } from './rollback.js';
import { start } from './start.js';
import { stop } from './stop.js';
import { toxic } from './toxic.js';
import { wipe } from './wipe.js';
import { zombiePipeline } from './zombie-pipeline.js';

/** Every fault kind an experiment can name in its `faults` list. */
export const FAULT_KINDS: readonly FaultKind<any>[] = [
  kill,
  pause,
  stop,
  start,
  restart,
  cut,
  toxic,
  wipe,
  powerLoss,
  diskEio,
  diskCorrupt,
  rollback,
  reassign,
  mix,
  killProducer,
  killConsumer,
  killPipeline,
  zombiePipeline,
  disconnect,
];

export function faultKind(name: string): FaultKind<any> | undefined {
  return FAULT_KINDS.find((k) => k.name === name);
}
