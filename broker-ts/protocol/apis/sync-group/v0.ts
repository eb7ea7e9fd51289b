import * as t from '../../schema/types.js';

export const SyncGroupRequestAssignment = t.struct({
  memberId: t.string,
  assignment: t.bytes,
});

export const request = t.struct({
  groupId: t.string,
  generationId: t.int32,
  memberId: t.string,
  assignments: t.array(SyncGroupRequestAssignment),
});

export const response = t.struct({
  errorCode: t.int16,
  assignment: t.bytes,
});
