import type { CftrIncident, CftrStore } from './store.js';

/**
 * A Respond incident as listed: only the list fields (notes §3.1/§3.2: `unique_id, readable_id, title, status`,
 * severity, `created`, `modified`). `external_id`, `description` and tenant form fields are on the detail only.
 */
export function incidentListRow(incident: CftrIncident) {
  const { unique_id, readable_id, title, status, level, created, modified } = incident;
  return { unique_id, readable_id, title, status, level, created, modified };
}

/** A Respond incident as its detail reads: flat, tenant form fields alongside the model's. */
function incidentItem(incident: CftrIncident) {
  const { formFields, ...model } = incident;
  return { ...formFields, ...model };
}

/** The detail: every field, with the linked threat intel. */
export function incidentDetail(store: CftrStore, incident: CftrIncident) {
  return {
    ...incidentItem(incident),
    threat_intel: store.linkedThreatIntel(incident.unique_id).map(({ unique_id, value, type }) => ({ unique_id, value, type })),
  };
}
