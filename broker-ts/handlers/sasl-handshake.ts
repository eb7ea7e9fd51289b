// SaslHandshake (key 17) once a connection is past authentication, or on a listener without SASL:
// Kafka answers ILLEGAL_SASL_STATE. The exchange itself runs before the dispatcher, in
// security/sasl-authenticator.ts.
import { ApiKey, ErrorCode } from '@kafka-chaos/protocol';
import { defineHandler } from '../server/api-handler.js';

export const saslHandshakeHandler = defineHandler({
  apiKey: ApiKey.SaslHandshake,
  minVersion: 0,
  maxVersion: 1,
  handle(broker, _body, context) {
    const sasl = broker.config.listenerSecurity.get(context.listenerName)?.sasl;
    return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: sasl === undefined ? [] : [...sasl.mechanisms] };
  },
});
