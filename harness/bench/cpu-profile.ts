import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../runtime/supervisor.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface Hotspot {
  function: string;
  location: string;
  selfPercent: number;
}

/** Self time per function over every .cpuprofile in `dir` (Node's --cpu-prof output), highest first. */
export function hotspots(dir: string, top = 20): { samples: number; hotspots: Hotspot[] } {
  const self = new Map<string, { fn: string; loc: string; hits: number }>();
  let total = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      if (hits === 0) continue;
      total += hits;
      const { functionName, url, lineNumber } = node.callFrame;
      const path = url.startsWith('file://') ? relative(REPO_ROOT, new URL(url).pathname) : url || '(native)';
      const key = `${functionName}@${path}:${lineNumber + 1}`;
      const entry = self.get(key) ?? { fn: functionName || '(anonymous)', loc: `${path}:${lineNumber + 1}`, hits: 0 };
      entry.hits += hits;
      self.set(key, entry);
    }
  }
  const ranked = [...self.values()].sort((a, b) => b.hits - a.hits).slice(0, top);
  return {
    samples: total,
    hotspots: ranked.map((e) => ({ function: e.fn, location: e.loc, selfPercent: Math.round((e.hits / Math.max(1, total)) * 1000) / 10 })),
  };
}
