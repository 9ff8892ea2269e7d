import { defineFlow } from '../flow-module.js';
import { CftrIncidentOriginEntity } from './entities/cftr-incident-origin.entity.js';
import { CftrIncidentRequestEntity } from './entities/cftr-incident-request.entity.js';
import { IndicatorTypeMappingEntity } from './entities/indicator-type-mapping.entity.js';
import { CtixCftrIncidentResolver } from './graphql/ctix-cftr-incident.resolver.js';
import { ThreatBulletinResolver, ThreatDataResolver, ThreatInvestigationResolver } from './graphql/ctix-threat-data.resolver.js';
import { CftrIncidents1764400000000 } from './migrations/1764400000000-cftr-incidents.js';

/** Flow 2: CTIX threat data read live, and CFTR incidents created from it on demand. */
export const ctixCftrFlow = defineFlow({
  name: 'ctix-cftr',
  jobs: () => [],
  resolvers: [ThreatDataResolver, ThreatInvestigationResolver, ThreatBulletinResolver, CtixCftrIncidentResolver],
  entities: [CftrIncidentOriginEntity, CftrIncidentRequestEntity, IndicatorTypeMappingEntity],
  migrations: [CftrIncidents1764400000000],
  eventKinds: {} as Record<string, never>,
  sourceSettings: [],
});
