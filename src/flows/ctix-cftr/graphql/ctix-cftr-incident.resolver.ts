import { MinRole } from '../../../auth/root-field-roles.js';
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { CftrIncidentCreator } from '../create-cftr-incident.js';
import type { SelectionInput } from '../selection.js';
import { listTypeMappings, removeTypeMapping, setTypeMapping, type TypeMapping } from '../type-mappings.js';
import type { IndicatorType } from '../../../schema/enums.js';
import { presentIncident, presentIndicator } from '../../../schema/present.js';
import { replacedBy } from '../../../schema/mutation-payloads.type.js';
import { RemoveIndicatorTypeMappingInput, RemoveIndicatorTypeMappingPayload, SetIndicatorTypeMappingPayload } from './type-mapping-payloads.type.js';
import {
  CreateCftrIncidentInput, CreateCftrIncidentPayload, IndicatorTypeMapping, SetIndicatorTypeMappingInput, SkippedIndicator,
  SkippedIndicatorReason,
} from './threat-cftr-incident.type.js';
import type { GraphContext } from '../../../resolvers/context.js';
import { badUserInput } from '../../../resolvers/errors.js';
import { loadAll } from '../../../resolvers/loaders.js';

/** Respond (CFTR) incidents from Intel Exchange (CTIX) objects, and the CTIX → CFTR indicator type mapping. */

const MAX_OBJECTS = 100;
const MAX_TITLE = 500;
const MAX_KEY = 200;

@Resolver()
export class CtixCftrIncidentResolver {
  @MinRole('VIEWER')
  @Query(() => [IndicatorTypeMapping], { description: 'Which CTIX IOC types are linked to Respond incidents, as which Respond threat-intel type' })
  async indicatorTypeMappings(@Ctx() ctx: GraphContext): Promise<IndicatorTypeMapping[]> {
    return (await listTypeMappings(ctx.hub.dataSource)).map(presentMapping);
  }

  @MinRole('ADMIN')
  @Mutation(() => SetIndicatorTypeMappingPayload, { description: 'Maps a CTIX IOC type to a Respond threat-intel type (adds or replaces)' })
  async indicatorTypeMappingSet(@Ctx() ctx: GraphContext, @Arg('input', () => SetIndicatorTypeMappingInput) input: SetIndicatorTypeMappingInput): Promise<SetIndicatorTypeMappingPayload> {
    return Object.assign(new SetIndicatorTypeMappingPayload(), { mapping: presentMapping(await setTypeMapping(ctx.hub.dataSource, input.ctixType, input.cftrField)) });
  }

  @MinRole('ADMIN')
  @Mutation(() => RemoveIndicatorTypeMappingPayload, { description: 'Stops linking IOCs of a CTIX type' })
  async indicatorTypeMappingRemove(@Ctx() ctx: GraphContext, @Arg('input', () => RemoveIndicatorTypeMappingInput) input: RemoveIndicatorTypeMappingInput): Promise<RemoveIndicatorTypeMappingPayload> {
    return Object.assign(new RemoveIndicatorTypeMappingPayload(), { ctixType: input.ctixType, removed: await removeTypeMapping(ctx.hub.dataSource, input.ctixType) });
  }

  @MinRole('ADMIN')
  @Mutation(() => IndicatorTypeMapping, { description: 'Maps a CTIX IOC type to a Respond threat-intel type (adds or replaces)', deprecationReason: replacedBy('indicatorTypeMappingSet(input:)') })
  async setIndicatorTypeMapping(@Ctx() ctx: GraphContext, @Arg('input', () => SetIndicatorTypeMappingInput) input: SetIndicatorTypeMappingInput): Promise<IndicatorTypeMapping> {
    return presentMapping(await setTypeMapping(ctx.hub.dataSource, input.ctixType, input.cftrField));
  }

  @MinRole('ADMIN')
  @Mutation(() => Boolean, { description: 'Stops linking IOCs of a CTIX type; answers whether a mapping was removed', deprecationReason: replacedBy('indicatorTypeMappingRemove(input:)') })
  async removeIndicatorTypeMapping(@Ctx() ctx: GraphContext, @Arg('ctixType', () => String) ctixType: string): Promise<boolean> {
    return removeTypeMapping(ctx.hub.dataSource, ctixType);
  }

  @MinRole('OPERATOR')
  @Mutation(() => CreateCftrIncidentPayload, {
    description: 'Creates one Respond (CFTR) incident from Intel Exchange threat data objects, investigation nodes or a bulletin, ' +
      'linking the IOCs of mapped types. Idempotent with idempotencyKey.',
  })
  async createCftrIncident(@Ctx() ctx: GraphContext, @Arg('input', () => CreateCftrIncidentInput) input: CreateCftrIncidentInput): Promise<CreateCftrIncidentPayload> {
    const title = input.title?.trim() ?? null;
    if (input.title !== null && input.title !== undefined && (!title || title.length > MAX_TITLE)) {
      throw badUserInput(`input.title: 1 to ${MAX_TITLE} characters, or leave it out for the default`, 'input.title');
    }
    const key = input.idempotencyKey ?? null;
    if (key !== null && (key.length === 0 || key.length > MAX_KEY)) throw badUserInput(`input.idempotencyKey: 1 to ${MAX_KEY} characters`, 'input.idempotencyKey');
    const outcome = await new CftrIncidentCreator(ctx.hub).create({
      selection: selectionOf(input), title: title || null, idempotencyKey: key, cftrSource: input.cftrSource ?? null,
    });
    const incident = outcome.incident ?? await ctx.loaders.incident.load(outcome.incidentId);
    if (!incident) throw new Error(`recorded incident ${outcome.incidentId} is missing`);
    const indicators = outcome.indicators ?? await loadAll(ctx.loaders.indicator, outcome.linkedIndicatorIds);
    return Object.assign(new CreateCftrIncidentPayload(), {
      incident: presentIncident(incident),
      linkedIndicators: indicators.map(presentIndicator),
      skippedIndicators: outcome.skipped.map((s) => Object.assign(new SkippedIndicator(), {
        value: s.value, ctixType: s.ctixType, reason: SkippedIndicatorReason[s.reason],
      })),
      replayed: outcome.replayed,
    });
  }
}

/** Exactly one input kind, and a selection that is not empty. */
function selectionOf(input: CreateCftrIncidentInput): SelectionInput {
  const given = [
    input.threatDataIds != null && 'threatDataIds', input.investigation != null && 'investigation', input.bulletinId != null && 'bulletinId',
  ].filter(Boolean);
  if (given.length !== 1) {
    throw badUserInput(given.length === 0
      ? 'input: give one of threatDataIds, investigation or bulletinId'
      : `input: give only one of threatDataIds, investigation or bulletinId (got ${given.join(' and ')})`, 'input');
  }
  if (input.threatDataIds) {
    if (input.threatDataIds.length === 0) throw badUserInput('input.threatDataIds: the selection is empty', 'input.threatDataIds');
    if (input.threatDataIds.length > MAX_OBJECTS) throw badUserInput(`input.threatDataIds: at most ${MAX_OBJECTS} objects per incident`, 'input.threatDataIds');
    return { kind: 'THREAT_DATA', threatDataIds: input.threatDataIds };
  }
  if (input.investigation) {
    const nodeIds = input.investigation.nodeIds ?? null;
    if (nodeIds && nodeIds.length === 0) throw badUserInput('input.investigation.nodeIds: the selection is empty (leave it out for every node)', 'input.investigation.nodeIds');
    if (nodeIds && nodeIds.length > MAX_OBJECTS) throw badUserInput(`input.investigation.nodeIds: at most ${MAX_OBJECTS} nodes per incident`, 'input.investigation.nodeIds');
    return { kind: 'INVESTIGATION', id: input.investigation.id, nodeIds };
  }
  return { kind: 'BULLETIN', id: input.bulletinId! };
}

function presentMapping(mapping: TypeMapping): IndicatorTypeMapping {
  return Object.assign(new IndicatorTypeMapping(), { ...mapping, indicatorType: mapping.indicatorType as IndicatorType });
}
