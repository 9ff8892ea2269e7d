import { z } from 'zod';

/** Knobs of the simulated tenant (PUT /__sandbox/settings), where live tenants were seen to differ. */
export const tenantSettings = z.strictObject({
  /** UTC offset dates are written with, e.g. `-07:00`, or `Z`. */
  tenantOffset: z.string().regex(/^(Z|[+-]\d{2}:\d{2})$/),
  /** How an empty collection is answered: 200 with an empty body, 204, or `{"value": []}`. */
  emptyCollection: z.enum(['empty-body', 'no-content', 'empty-array']),
  /** The "on behalf of" user of the API key: CreatedBy/LastModBy of what the hub writes. */
  apiUser: z.string().min(1),
});
export type TenantSettings = z.infer<typeof tenantSettings>;

export const DEFAULT_TENANT: TenantSettings = { tenantOffset: '-07:00', emptyCollection: 'empty-body', apiUser: 'svc-socgraph' };
