import type { CftrIncident, CftrStore } from './store.js';

/** A Respond incident as listed: flat, tenant form fields alongside the model's. */
export function incidentItem(incident: CftrIncident) {
  const { formFields, ...model } = incident;
  return { ...formFields, ...model };
}

/** The detail adds the linked threat intel. */
export function incidentDetail(store: CftrStore, incident: CftrIncident) {
  return {
    ...incidentItem(incident),
    threat_intel: store.linkedThreatIntel(incident.unique_id).map(({ unique_id, value, type }) => ({ unique_id, value, type })),
  };
}
