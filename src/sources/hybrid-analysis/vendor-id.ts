import { vendorId } from '../../domain/vendor.js';

/** Hybrid Analysis: its id in the database and in the GraphQL `Vendor` enum (never changes). */
export const HYBRID_ANALYSIS = vendorId('HYBRID_ANALYSIS');
