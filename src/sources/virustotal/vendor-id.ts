import { vendorId } from '../../domain/vendor.js';

/** VirusTotal: its id in the database and in the GraphQL `Vendor` enum (never changes). */
export const VIRUSTOTAL = vendorId('VIRUSTOTAL');
