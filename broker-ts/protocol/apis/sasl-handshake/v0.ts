import * as t from '../../schema/types.js';

export const request = t.struct({
  mechanism: t.string,
});

export const response = t.struct({
  errorCode: t.int16,
  mechanisms: t.array(t.string),
});
