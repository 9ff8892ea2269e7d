import { z } from 'zod';

/** Knobs of the simulated tenant (PUT /__sandbox/settings), where live tenants were seen to differ. */
export const tenantSettings = z.strictObject({
  /** UTC offset dates are written with, e.g. `-07:00`, or `Z`. */
  tenantOffset: z.string().regex(/^(Z|[+-]\d{2}:\d{2})$/),
  /** How an empty collection is answered: 200 with an empty body, 204, or `{"value": []}`. */
  emptyCollection: z.enum(['empty-body', 'no-content', 'empty-array']),
  /** The "on behalf of" user of the API key: CreatedBy/LastModBy of what the hub writes. */
  apiUser: z.string().min(1),
  /** File extensions the tenant refuses on upload (`Upload Failed, Invalid attachment type.`), lower case, no dot. */
  blockedAttachmentExtensions: z.array(z.string().regex(/^[a-z0-9]+$/)),
});
export type TenantSettings = z.infer<typeof tenantSettings>;

export const DEFAULT_TENANT: TenantSettings = {
  tenantOffset: '-07:00', emptyCollection: 'empty-body', apiUser: 'svc-socgraph', blockedAttachmentExtensions: ['exe', 'bat', 'cmd', 'vbs', 'ps1'],
};

/** The account `POST rest/authentication/login` accepts (any role; the tenant must be the host the sandbox is reached by). */
export const LOGIN_ACCOUNT = { username: 'svc-socgraph', password: 'ivanti-sandbox-login-7Q2' };
