// The table of API keys in broker-ts/README.md ("What it serves"), read back so that tests can hold
// it to what broker-ts serves and to what the Kafka release it names advertises.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ReadmeApiRow {
  apiKey: number;
  name: string;
  /** [min, max], or undefined for "—" (not served). */
  brokerTs: [number, number] | undefined;
  kafka: [number, number] | undefined;
}

export interface ReadmeApiTable {
  /** The Kafka release the table's Kafka column is for ("4.4.0"). */
  kafkaRelease: string;
  rows: ReadmeApiRow[];
}

const README = fileURLToPath(new URL('../../broker-ts/README.md', import.meta.url));
const HEADER = /^\| key \| API \| broker-ts \| Kafka (\S+) \| notes \|$/;

function range(cell: string): [number, number] | undefined {
  if (cell === '—') return undefined;
  const m = /^(\d+)-(\d+)$/.exec(cell);
  if (m === null) throw new Error(`broker-ts/README.md: a version range must read "min-max" or "—", not ${JSON.stringify(cell)}`);
  return [Number(m[1]), Number(m[2])];
}

export function readReadmeApiTable(path = README): ReadmeApiTable {
  const lines = readFileSync(path, 'utf8').split('\n');
  const start = lines.findIndex((line) => HEADER.test(line));
  if (start < 0) throw new Error(`${path}: no table headed "| key | API | broker-ts | Kafka <release> | notes |"`);
  const kafkaRelease = HEADER.exec(lines[start]!)![1]!;
  const rows: ReadmeApiRow[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const [key, name, brokerTs, kafka] = line
      .split('|')
      .slice(1, 5)
      .map((cell) => cell.trim()) as [string, string, string, string];
    rows.push({ apiKey: Number(key), name, brokerTs: range(brokerTs), kafka: range(kafka) });
  }
  return { kafkaRelease, rows };
}
