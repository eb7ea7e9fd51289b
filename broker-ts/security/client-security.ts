// What this node presents when it connects to another node's listener as a client (a follower
// fetching over the inter-broker listener, a broker or voter reaching the controllers): the
// listener's TLS material (its own certificate, for listeners that require one, and the trust
// store) and the SASL login of its JAAS config for the mechanism Kafka's
// sasl.mechanism.inter.broker.protocol / sasl.mechanism.controller.protocol name.
//
//   const client = await WireClient.connect({ host, port, ...interBrokerClientSecurity(config) });
import type { ConnectionOptions } from 'node:tls';
import type { BrokerConfig } from '../config/broker-config.js';
import type { SaslMechanism, WireClientOptions } from '@kafka-chaos/protocol';
import { secureContextOptions } from './listener-security.js';

export type ClientSecurity = Pick<WireClientOptions, 'tls' | 'sasl'>;

/** WireClient options to reach `listenerName` (on any node of the cluster) as this node, authenticating with `mechanism`. */
export function clientSecurityFor(config: BrokerConfig, listenerName: string, mechanism: string): ClientSecurity {
  const security = config.listenerSecurity.get(listenerName);
  if (security === undefined) throw new RangeError(`no listener named ${listenerName}`);
  const out: ClientSecurity = {};
  if (security.tls !== undefined) {
    const tls: ConnectionOptions = { ...secureContextOptions(security.tls) };
    // ssl.endpoint.identification.algorithm empty: trust any certificate the CA signed, whatever host it names.
    if (!security.tls.verifyHostname) tls.checkServerIdentity = () => undefined;
    out.tls = tls;
  }
  if (security.sasl !== undefined) {
    const name = mechanism.toUpperCase() as SaslMechanism;
    const login = security.sasl.logins.get(name);
    // The configuration check (checkClientMechanism) makes sure the login exists for the two listeners this is used on.
    if (login === undefined) throw new RangeError(`listener ${listenerName} has no JAAS username and password for ${name}`);
    out.sasl = { mechanism: name, username: login.username, password: login.password };
  }
  return out;
}

/** For the inter-broker listener (inter.broker.listener.name), with sasl.mechanism.inter.broker.protocol. */
export function interBrokerClientSecurity(config: BrokerConfig): ClientSecurity {
  return clientSecurityFor(config, config.interBrokerListenerName, config.saslMechanismInterBrokerProtocol);
}

/** For the controller listener (the first of controller.listener.names), with sasl.mechanism.controller.protocol. */
export function controllerClientSecurity(config: BrokerConfig): ClientSecurity {
  return clientSecurityFor(config, config.controllerListenerNames[0]!, config.saslMechanismControllerProtocol);
}
