import * as t from '../../schema/types.js';

export const JoinGroupRequestProtocol = t.struct({
  name: t.string,
  metadata: t.bytes,
});

export const request = t.struct({
  groupId: t.string,
  sessionTimeoutMs: t.int32,
  memberId: t.string,
  protocolType: t.string,
  protocols: t.array(JoinGroupRequestProtocol),
});

export const JoinGroupResponseMember = t.struct({
  memberId: t.string,
  metadata: t.bytes,
});

export const response = t.struct({
  errorCode: t.int16,
  generationId: t.withDefault(t.int32, -1),
  protocolName: t.string,
  leader: t.string,
  memberId: t.string,
  members: t.array(JoinGroupResponseMember),
});
