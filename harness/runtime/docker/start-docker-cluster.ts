import { candidateVersions, provisionKafka } from '../../provision/kafka.js';
import type { ClusterRequest } from '../cluster-request.js';
import { BrokerTsContainerNode } from './broker-ts-container-node.js';
import { buildBrokerTsImage } from './broker-ts-image.js';
import type { ContainerNodeKind } from './container-node.js';
import { startDockerNodes, type DockerNodeDriver } from './docker-node-driver.js';
import type { NodeCluster } from '../node-cluster.js';
import { dockerEngine, type DockerEngine } from './engine.js';
import { imageNames, imageSourceFromEnv, packageVersion, pullIfMissing, type ImageNames } from './images.js';
import { KafkaContainerNode } from './kafka-container-node.js';
import { ensureLocalImages } from './local-images/build.js';

/**
 * The Kafka version decides the image tag. Local images are built from the jars the harness
 * provisions, so the same lookup as the process runtime applies; official images need no jars,
 * only the same resolution of a version prefix.
 */
async function kafkaNode(engine: DockerEngine, names: ImageNames, requested: string | undefined): Promise<ContainerNodeKind> {
  if (names.source === 'local') {
    const install = await provisionKafka(requested);
    await ensureLocalImages(engine, { kafka: install });
    return new KafkaContainerNode(install.version, names.kafka(install.version));
  }
  const version = (await candidateVersions(requested))[0]!;
  await pullIfMissing(engine, names.kafka(version));
  return new KafkaContainerNode(version, names.kafka(version));
}

/** The docker branch of startCluster: images first (built or pulled as needed), then the cluster. */
export async function startDockerCluster(request: ClusterRequest): Promise<NodeCluster<DockerNodeDriver>> {
  // An engine that does not answer is reported before anything is provisioned or built.
  const engine = await dockerEngine();
  const names = imageNames(request.images ?? imageSourceFromEnv());
  if (names.source === 'local') await ensureLocalImages(engine, { toxiproxy: true });
  else await pullIfMissing(engine, names.toxiproxy);
  const nodeKind =
    request.broker === 'kafka'
      ? await kafkaNode(engine, names, request.kafkaVersion)
      : new BrokerTsContainerNode(packageVersion(), (await buildBrokerTsImage(engine, names.source)).image);
  return startDockerNodes({
    nodeKind,
    toxiproxyImage: names.toxiproxy,
    nodes: request.nodes,
    ...(request.brokerConfig ? { brokerConfig: request.brokerConfig } : {}),
    logDir: request.logDir,
    ...(request.security !== undefined ? { security: request.security } : {}),
    ...(request.unsyncedDisks ? { unsyncedDisks: true } : {}),
  });
}
