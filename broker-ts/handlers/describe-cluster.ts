// DescribeCluster (key 60): the brokers as the request's listener advertises them. v1 asks for
// brokers (endpoint type 1) or controllers (2); a broker listener serves brokers only.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';
import { CLUSTER_OPERATIONS, AUTHORIZED_OPERATIONS_OMITTED } from './authorized-operations.js';
import { brokersOnListener, controllerIdFor } from './listener-endpoints.js';

const EndpointType = { BROKER: 1, CONTROLLER: 2 } as const;

export const describeClusterHandler = defineHandler({
  apiKey: ApiKey.DescribeCluster,
  minVersion: 0,
  maxVersion: 1,
  handle(broker, body, context) {
    const endpointType = context.apiVersion >= 1 ? (body.endpointType ?? EndpointType.BROKER) : EndpointType.BROKER;
    const base = {
      throttleTimeMs: 0,
      clusterId: broker.clusterId,
      controllerId: -1,
      brokers: [] as { brokerId: number; host: string; port: number; rack: string | null }[],
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
      endpointType,
    };
    if (endpointType === EndpointType.CONTROLLER) {
      return {
        ...base,
        errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE,
        errorMessage: 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER',
      };
    }
    if (endpointType !== EndpointType.BROKER) {
      return { ...base, errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: `Unsupported endpoint type ${endpointType}` };
    }
    return {
      ...base,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      controllerId: controllerIdFor(broker, context.listenerName),
      brokers: brokersOnListener(broker, context.listenerName).map((b) => ({ brokerId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
      clusterAuthorizedOperations: body.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
    };
  },
});
