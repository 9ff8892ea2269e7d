import { IBM_RESILIENT } from '../../sources/ibm-resilient/vendor-id.js';
import { SECUREWORKS_CTP } from '../../sources/secureworks-ctp/vendor-id.js';
import type { RegisteredSource, SourceRegistry } from '../../services/source-registry.js';
import type { IbmResilientClient } from '../../sources/ibm-resilient/client.js';
import type { SecureworksCtpClient } from '../../sources/secureworks-ctp/client.js';
import { ctpResilientSettings, type CtpResilientSettings } from './settings.js';
import { secureworksCtpManifest } from '../../sources/secureworks-ctp/manifest.js';
import { TicketTemplates } from './ticket-templates.js';
import { ibmResilientManifest } from '../../sources/ibm-resilient/manifest.js';

/** One CTP source and the Resilient source its tickets escalate to, with their clients and templates. */
export interface CtpResilientPair {
  ctpSource: RegisteredSource;
  resilientSource: RegisteredSource;
  ctp: SecureworksCtpClient;
  resilient: IbmResilientClient;
  settings: CtpResilientSettings;
  templates: TicketTemplates;
}

const templatesBySource = new WeakMap<RegisteredSource, TicketTemplates>();

/** The pair for a CTP source: its `resilientSource` setting, or the only Resilient source configured. */
export function ctpResilientPair(sources: SourceRegistry, ctpSource: RegisteredSource): CtpResilientPair {
  const settings = ctpResilientSettings.parse(ctpSource.config.settings);
  const resilientSource = sources.partnerOf(ctpSource, IBM_RESILIENT, settings.resilientSource, 'settings.resilientSource');
  let templates = templatesBySource.get(ctpSource);
  if (!templates) {
    templates = new TicketTemplates(settings.templates, settings.timeZone);
    templatesBySource.set(ctpSource, templates);
  }
  return {
    ctpSource,
    resilientSource,
    ctp: sources.client(ctpSource.config.name, secureworksCtpManifest),
    resilient: sources.client(resilientSource.config.name, ibmResilientManifest),
    settings,
    templates,
  };
}

/** Enabled CTP sources, each with its pair. */
export function ctpResilientPairs(sources: SourceRegistry): CtpResilientPair[] {
  return sources.ofVendor(SECUREWORKS_CTP).filter((s) => s.config.enabled).map((s) => ctpResilientPair(sources, s));
}
