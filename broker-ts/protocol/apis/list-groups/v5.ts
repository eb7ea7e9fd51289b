// Groups can be filtered by type (classic, consumer, share), and are listed with it (KIP-848).
import * as t from '../../schema/types.js';
import * as v4 from './v4.js';

export * from './v4.js';

export const request = t.struct({ ...v4.request.fields, typesFilter: t.array(t.string) });

export const ListedGroup = t.struct({ ...v4.ListedGroup.fields, groupType: t.string });

export const response = t.struct({ ...v4.response.fields, groups: t.array(ListedGroup) });
