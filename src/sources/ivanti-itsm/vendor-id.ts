import { vendorId } from '../../domain/vendor.js';

/** Ivanti Service Manager: its id in the database and in the GraphQL `Vendor` enum (never changes). */
export const IVANTI_ITSM = vendorId('IVANTI_ITSM');
