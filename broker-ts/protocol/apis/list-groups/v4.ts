// Groups can be filtered by state, and are listed with it (KIP-518).
import * as t from '../../schema/types.js';
import * as v3 from './v3.js';

export * from './v3.js';

export const request = t.struct({ statesFilter: t.array(t.string) });

export const ListedGroup = t.struct({ ...v3.ListedGroup.fields, groupState: t.string });

export const response = t.struct({ ...v3.response.fields, groups: t.array(ListedGroup) });
