import { vendorId } from '../../domain/vendor.js';

/** Secureworks Counter Threat Platform: its id in the database and in the GraphQL `Vendor` enum (never changes). */
export const SECUREWORKS_CTP = vendorId('SECUREWORKS_CTP');
