import { vendorId } from '../../domain/vendor.js';

/** Cyware Respond (CFTR): its id in the database and in the GraphQL `Vendor` enum (never changes). */
export const CYWARE_CFTR = vendorId('CYWARE_CFTR');
