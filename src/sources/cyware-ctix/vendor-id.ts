import { vendorId } from '../../domain/vendor.js';

/** Cyware Intel Exchange (CTIX): its id in the database and in the GraphQL `Vendor` enum (never changes). */
export const CYWARE_CTIX = vendorId('CYWARE_CTIX');
