import { Vendor } from '../../domain/vendor.js';
import type { RegisteredSource, SourceRegistry } from '../../services/source-registry.js';
import type { CtixClient } from '../../sources/cyware-ctix/client.js';
import type { IvantiClient } from '../../sources/ivanti-itsm/client.js';
import { ivantiPlaybookSettings, type IvantiPlaybookSettings } from './settings.js';

/** One Ivanti source the playbook runs over, with its settings and the CTIX source its bundles go to. */
export interface IvantiEnrichmentTarget {
  ivantiSource: RegisteredSource;
  ctixSource: RegisteredSource;
  ivanti: IvantiClient;
  ctix: CtixClient;
  settings: IvantiPlaybookSettings;
}

/** The target of an Ivanti source: its `enrichment.ctixSource` setting, or the only enabled CTIX source. */
export function ivantiEnrichmentTarget(sources: SourceRegistry, ivantiSource: RegisteredSource): IvantiEnrichmentTarget {
  const settings = ivantiPlaybookSettings.parse(ivantiSource.config.settings);
  const ctixSource = sources.partnerOf(ivantiSource, Vendor.CYWARE_CTIX, settings.enrichment.ctixSource, 'settings.enrichment.ctixSource');
  return {
    ivantiSource,
    ctixSource,
    ivanti: sources.client<IvantiClient>(ivantiSource.config.name),
    ctix: sources.client<CtixClient>(ctixSource.config.name),
    settings,
  };
}

/** Enabled Ivanti sources whose enrichment playbook is on. */
export function ivantiEnrichmentSources(sources: SourceRegistry): RegisteredSource[] {
  return sources.ofVendor(Vendor.IVANTI_ITSM)
    .filter((s) => s.config.enabled && ivantiPlaybookSettings.parse(s.config.settings).enrichment.enabled);
}
