import { vendorId } from '../../domain/vendor.js';

/** AbuseIPDB: its id in the database and in the GraphQL `Vendor` enum (never changes). */
export const ABUSEIPDB = vendorId('ABUSEIPDB');
