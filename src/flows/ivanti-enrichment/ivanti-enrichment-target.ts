import { CYWARE_CTIX } from '../../sources/cyware-ctix/vendor-id.js';
import { IVANTI_ITSM } from '../../sources/ivanti-itsm/vendor-id.js';
import type { RegisteredSource, SourceRegistry } from '../../services/source-registry.js';
import type { IvantiClient } from '../../sources/ivanti-itsm/client.js';
import { ivantiItsmManifest } from '../../sources/ivanti-itsm/manifest.js';
import type { ThreatIntelPort } from '../../sources/ports.js';
import { ivantiPlaybookSettings, type IvantiPlaybookSettings } from './settings.js';

/** One Ivanti source the playbook runs over, with its settings and the CTIX source its bundles go to. */
export interface IvantiEnrichmentTarget {
  ivantiSource: RegisteredSource;
  ctixSource: RegisteredSource;
  ivanti: IvantiClient;
  /** Where bundles are published (the CTIX source's `threatIntel` port). */
  threatIntel: ThreatIntelPort;
  settings: IvantiPlaybookSettings;
}

/** The target of an Ivanti source: its `enrichment.ctixSource` setting, or the only enabled CTIX source. */
export function ivantiEnrichmentTarget(sources: SourceRegistry, ivantiSource: RegisteredSource): IvantiEnrichmentTarget {
  const settings = ivantiPlaybookSettings.parse(ivantiSource.config.settings);
  const ctixSource = sources.partnerOf(ivantiSource, CYWARE_CTIX, settings.enrichment.ctixSource, 'settings.enrichment.ctixSource');
  return {
    ivantiSource,
    ctixSource,
    ivanti: sources.client(ivantiSource.config.name, ivantiItsmManifest),
    threatIntel: threatIntelOf(sources, ctixSource),
    settings,
  };
}

/** Enabled Ivanti sources whose enrichment playbook is on. */
export function ivantiEnrichmentSources(sources: SourceRegistry): RegisteredSource[] {
  return sources.ofVendor(IVANTI_ITSM)
    .filter((s) => s.config.enabled && ivantiPlaybookSettings.parse(s.config.settings).enrichment.enabled);
}

function threatIntelOf(sources: SourceRegistry, source: RegisteredSource): ThreatIntelPort {
  const port = sources.port(source.config.name, 'threatIntel');
  if (!port) throw new Error(`source ${source.config.name}: ${source.config.vendor} offers no threatIntel capability to publish bundles to`);
  return port;
}
