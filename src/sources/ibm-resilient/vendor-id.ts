import { vendorId } from '../../domain/vendor.js';

/** IBM Resilient (QRadar SOAR): its id in the database and in the GraphQL `Vendor` enum (never changes). */
export const IBM_RESILIENT = vendorId('IBM_RESILIENT');
