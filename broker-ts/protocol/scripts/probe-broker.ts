// Sends every implemented API version, with a harmless minimal body, to a broker (Apache Kafka or
// broker-ts) and reports how each was answered: decoded (with its top-level error code), connection
// closed (Kafka's answer to a version it does not serve), or undecodable (a schema bug).
//
//   npx tsx broker-ts/protocol/scripts/probe-broker.ts HOST:PORT [API_NAME...]
import { WireClient } from '../client.js';
import { API_LIST } from '../registry.js';
import type { SupportedApiKey } from '../registry.js';
import { ApiKey } from '../api-keys.js';
import { ProtocolError } from '../codec/protocol-error.js';
import { sampleMessage } from '../testing/sample-values.js';

type Outcome = 'ok' | 'closed' | 'undecodable' | 'timeout';

async function probe(host: string, port: number, apiKey: SupportedApiKey, version: number): Promise<{ outcome: Outcome; detail: string }> {
  const api = API_LIST.find((a) => a.apiKey === apiKey)!;
  const body = sampleMessage(api.versions[version]!.request, 'minimal');
  // acks=0 would get no answer to inspect.
  if (apiKey === ApiKey.Produce) body.acks = 1;
  const client = await WireClient.connect({ host, port, requestTimeoutMs: 5000 });
  try {
    const response = (await client.send(apiKey, version, body as never)) as Record<string, unknown>;
    const errorCode = response.errorCode ?? '-';
    return { outcome: 'ok', detail: `errorCode ${String(errorCode)}` };
  } catch (error) {
    if (error instanceof ProtocolError) return { outcome: 'undecodable', detail: error.message };
    if (error instanceof Error && error.name === 'RequestTimeoutError') return { outcome: 'timeout', detail: '' };
    return { outcome: 'closed', detail: error instanceof Error ? error.message : String(error) };
  } finally {
    await client.close();
  }
}

async function main(args: string[]): Promise<number> {
  const [address, ...names] = args;
  const match = /^(.+):(\d+)$/.exec(address ?? '');
  if (!match) {
    console.error('usage: probe-broker.ts HOST:PORT [API_NAME...]');
    return 2;
  }
  const host = match[1]!;
  const port = Number(match[2]);
  const versionsClient = await WireClient.connect({ host, port });
  const advertised = await versionsClient.negotiateVersions();
  await versionsClient.close();

  let undecodable = 0;
  for (const api of API_LIST) {
    if (names.length > 0 && !names.includes(api.name)) continue;
    const range = advertised.get(api.apiKey);
    const advertisedText = range ? `${range.minVersion}-${range.maxVersion}` : 'not advertised';
    console.log(`${api.name} (key ${api.apiKey}): broker-ts ${api.minVersion}-${api.maxVersion}, broker ${advertisedText}`);
    for (let version = api.minVersion; version <= api.maxVersion; version++) {
      const { outcome, detail } = await probe(host, port, api.apiKey as SupportedApiKey, version);
      if (outcome === 'undecodable') undecodable++;
      console.log(`  v${version}: ${outcome} ${detail}`);
    }
  }
  return undecodable === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
