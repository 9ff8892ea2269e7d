import type { EnrichmentService } from '../../enrichment/enrichment-outcome.js';
import type { HubServices } from '../../services/hub-services.js';

/** What the playbook reaches the hub through: the enrichment engine besides the usual services. */
export type IvantiEnrichmentServices = Pick<HubServices, 'dataSource' | 'events' | 'sources'> & { enrichment: EnrichmentService };
