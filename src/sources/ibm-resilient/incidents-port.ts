import { patchIncident } from './incident-patcher.js';
import type { IncidentsPort } from '../ports.js';
import type { SourceConfig } from '../source-config.js';
import type { IbmResilientClient } from './client.js';
import { attachmentFromResilient, incidentFromResilient, notesFromComments } from './map.js';
import type { ResilientIncident } from './wire.js';

/** The incident select holding the hub's close codes (the field IBM's Secureworks app installs). */
export const CLOSE_CODE_FIELD = 'scwx_ctp_close_code';

/**
 * IBM Resilient (QRadar SOAR) incidents. Writes go through `patchIncident`, which re-reads and re-sends on a stale
 * `vers` and sends nothing when the values already hold.
 */
export function resilientIncidentsPort(client: IbmResilientClient, source: SourceConfig): IncidentsPort {
  const record = (incident: ResilientIncident) => ({ data: incidentFromResilient(incident, source.baseUrl), wire: incident });
  const patch = async (id: string, changes: Map<string, unknown>) => record((await patchIncident(client, Number(id), changes)).incident);
  return {
    async create(draft) {
      return record(await client.createIncident({ name: draft.title, discovered_date: Date.now(), description: { format: 'text', content: draft.description } }));
    },
    async get(id) {
      return record(await client.getIncident(Number(id)));
    },
    update: (id, changes) => patch(id, new Map(Object.entries(changes))),
    async closeOptions() {
      const [codes, resolutions] = await Promise.all([client.getIncidentField(CLOSE_CODE_FIELD), client.getIncidentField('resolution_id')]);
      return {
        closeCodes: codes.values.filter((v) => v.enabled !== false).map((v) => v.label),
        resolutions: resolutions.values.map((v) => v.label),
      };
    },
    close: (id, request) => patch(id, new Map<string, unknown>([
      ['plan_status', 'C'], ['resolution_id', request.resolution], ['resolution_summary', request.resolutionSummary], [CLOSE_CODE_FIELD, request.closeCode],
    ])),
    async notes(id) {
      return notesFromComments(await client.listComments(Number(id)));
    },
    async addNote(id, text) {
      const [note] = notesFromComments([await client.addComment(Number(id), text)]);
      return note!;
    },
    async attachments(id) {
      return (await client.listAttachments(Number(id))).map(attachmentFromResilient);
    },
    async attach(id, upload) {
      return attachmentFromResilient(await client.uploadAttachment(Number(id), { name: upload.name, contentType: upload.contentType, content: upload.bytes }));
    },
  };
}
