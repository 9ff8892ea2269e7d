import { MinRole } from '../../../auth/root-field-roles.js';
import DataLoader from 'dataloader';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { ctixWindow, type Window } from '../ctix-window.js';
import { CTIX, pickSource, sourceById } from '../pick-source.js';
import { presentBulletin, presentInvestigation, presentNode, presentThreatData } from './present-threat.js';
import type { Page } from '../../../schema/connection.js';
import { presentIncident } from '../../../schema/present.js';
import {
  CftrIncidentRef, ThreatBulletin, ThreatBulletinConnection, ThreatDataFilter, ThreatDataObject, ThreatDataObjectConnection,
  ThreatInvestigation, ThreatInvestigationConnection,
} from './threat-data.type.js';
import type { RegisteredSource } from '../../../services/source-registry.js';
import type { CtixClient } from '../../../sources/cyware-ctix/client.js';
import { VendorError } from '../../../sources/http/vendor-error.js';
import { CftrIncidentOriginEntity } from '../entities/cftr-incident-origin.entity.js';
import type { CftrOriginKind } from '../entities/cftr-incident-origin.entity.js';
import type { GraphContext } from '../../../resolvers/context.js';
import { badUserInput } from '../../../resolvers/errors.js';
import { cywareCtixManifest } from '../../../sources/cyware-ctix/manifest.js';

/**
 * Intel Exchange (CTIX) threat data, investigations and bulletins: live queries that call CTIX (nothing stored,
 * nothing stale), CTIX paging mapped onto our cursors, and the Respond incidents recorded against each object.
 */

const SOURCE_ARG = { nullable: true, description: 'Name of the Intel Exchange source; default: the only one configured' } as const;

@Resolver(() => ThreatDataObject)
export class ThreatDataResolver {
  @MinRole('VIEWER')
  @Query(() => ThreatDataObjectConnection, { description: 'Intel Exchange threat data matching the filter, newest first (read live from CTIX)' })
  async threatData(
    @Ctx() ctx: GraphContext,
    @Arg('filter', () => ThreatDataFilter, { nullable: true }) filter?: ThreatDataFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('source', () => String, SOURCE_ARG) source?: string,
  ): Promise<Page<ThreatDataObject>> {
    const ctix = pickSource(ctx.hub, CTIX, source, 'source');
    const client = ctx.hub.sources.client(ctix.config.name, cywareCtixManifest);
    const query = threatDataCql(filter);
    try {
      const window = await ctixWindow({ first, after }, (page, pageSize) => client.listThreatData(query, { page, pageSize }));
      return toPage(window, (wire) => presentThreatData(ctix.entity.id, wire));
    } catch (error) {
      // A query CTIX refuses (bad CQL) is the caller's input, not an upstream failure.
      if (error instanceof VendorError && error.code === 'UPSTREAM_REJECTED') throw badUserInput(`filter: Intel Exchange refused the query '${query}': ${error.detail ?? error.message}`, 'filter');
      throw error;
    }
  }

  @FieldResolver(() => [ThreatDataObject], { description: 'Indicators (IOCs) related to this object, read live' })
  async relatedIndicators(@Root() object: ThreatDataObject, @Ctx() ctx: GraphContext): Promise<ThreatDataObject[]> {
    const client = ctixClientOf(ctx, object.sourceId);
    const related = await client.relatedIndicators(object.type, object.ctixId);
    return related.map((wire) => presentThreatData(object.sourceId, wire));
  }

  @FieldResolver(() => [CftrIncidentRef], { description: 'Respond incidents created from this object (oldest first)' })
  async cftrIncidents(@Root() object: ThreatDataObject, @Ctx() ctx: GraphContext): Promise<CftrIncidentRef[]> {
    return originLoader(ctx).load(originKey(object.sourceId, 'THREAT_DATA', object.ctixId));
  }
}

@Resolver(() => ThreatInvestigation)
export class ThreatInvestigationResolver {
  @MinRole('VIEWER')
  @Query(() => ThreatInvestigationConnection, { description: 'Intel Exchange threat investigations (canvases), newest first (read live)' })
  async threatInvestigations(
    @Ctx() ctx: GraphContext,
    @Arg('search', () => String, { nullable: true, description: 'Substring of the name' }) search?: string,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('source', () => String, SOURCE_ARG) source?: string,
  ): Promise<Page<ThreatInvestigation>> {
    const ctix = pickSource(ctx.hub, CTIX, source, 'source');
    const client = ctx.hub.sources.client(ctix.config.name, cywareCtixManifest);
    const window = await ctixWindow({ first, after }, (page, pageSize) => client.listInvestigations({ q: search || undefined, page, pageSize }));
    return toPage(window, (canvas) => presentInvestigation(ctix.entity.id, canvas));
  }

  @FieldResolver(() => [ThreatDataObject], { description: 'The threat data objects on the canvas, read live' })
  async nodes(@Root() investigation: ThreatInvestigation, @Ctx() ctx: GraphContext): Promise<ThreatDataObject[]> {
    const nodes = await ctixClientOf(ctx, investigation.sourceId).investigationNodes(investigation.ctixId);
    return nodes.map((node) => presentNode(investigation.sourceId, node));
  }

  @FieldResolver(() => [CftrIncidentRef], { description: 'Respond incidents created from this investigation' })
  async cftrIncidents(@Root() investigation: ThreatInvestigation, @Ctx() ctx: GraphContext): Promise<CftrIncidentRef[]> {
    return originLoader(ctx).load(originKey(investigation.sourceId, 'INVESTIGATION', investigation.ctixId));
  }
}

@Resolver(() => ThreatBulletin)
export class ThreatBulletinResolver {
  @MinRole('VIEWER')
  @Query(() => ThreatBulletinConnection, { description: 'Intel Exchange threat bulletins, newest first (read live)' })
  async threatBulletins(
    @Ctx() ctx: GraphContext,
    @Arg('search', () => String, { nullable: true, description: 'Substring of the title' }) search?: string,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('source', () => String, SOURCE_ARG) source?: string,
  ): Promise<Page<ThreatBulletin>> {
    const ctix = pickSource(ctx.hub, CTIX, source, 'source');
    const client = ctx.hub.sources.client(ctix.config.name, cywareCtixManifest);
    const window = await ctixWindow({ first, after }, (page, pageSize) => client.listBulletins({ q: search || undefined, page, pageSize }));
    return toPage(window, (bulletin) => presentBulletin(ctix.entity.id, bulletin));
  }

  @FieldResolver(() => [ThreatDataObject], { description: 'The threat data objects the bulletin published, read live' })
  async objects(@Root() bulletin: ThreatBulletin, @Ctx() ctx: GraphContext): Promise<ThreatDataObject[]> {
    // Listed bulletins carry `report_id` at most; objects listed inline are on the detail only.
    const client = ctixClientOf(ctx, bulletin.sourceId);
    const objects = await client.bulletinObjects(await client.getBulletin(bulletin.ctixId));
    return objects.map((wire) => presentThreatData(bulletin.sourceId, wire));
  }

  @FieldResolver(() => [CftrIncidentRef], { description: 'Respond incidents created from this bulletin' })
  async cftrIncidents(@Root() bulletin: ThreatBulletin, @Ctx() ctx: GraphContext): Promise<CftrIncidentRef[]> {
    return originLoader(ctx).load(originKey(bulletin.sourceId, 'BULLETIN', bulletin.ctixId));
  }
}

/** CQL from the filter: the given query first, then each criterion AND-ed (CQL evaluates left to right). */
export function threatDataCql(filter: ThreatDataFilter | undefined): string {
  const clauses: string[] = [];
  if (filter?.query?.trim()) clauses.push(filter.query.trim());
  const list = (field: string, values: string[] | undefined, argument: string) => {
    if (!values?.length) return;
    const quoted = values.map((v) => quote(v, argument));
    clauses.push(quoted.length === 1 ? `${field} = ${quoted[0]}` : `${field} IN (${quoted.join(',')})`);
  };
  list('type', filter?.types, 'filter.types');
  list('ioc_type', filter?.iocTypes, 'filter.iocTypes');
  list('tlp', filter?.tlp, 'filter.tlp');
  if (filter?.search) clauses.push(`value CONTAINS ${quote(filter.search, 'filter.search')}`);
  // The endpoint requires a query; "changed since the epoch" matches everything.
  return clauses.length > 0 ? clauses.join(' AND ') : 'ctix_modified >= "0"';
}

function quote(value: string, argument: string): string {
  if (value.includes('"')) throw badUserInput(`${argument}: CQL values cannot contain a double quote`, argument);
  return `"${value}"`;
}

function ctixClientOf(ctx: GraphContext, sourceId: string): CtixClient {
  const source: RegisteredSource | undefined = sourceById(ctx.hub, CTIX, sourceId);
  if (!source) throw badUserInput('this object\'s Intel Exchange source is no longer configured');
  return ctx.hub.sources.client(source.config.name, cywareCtixManifest);
}

function toPage<W, N>(window: Window<W>, present: (wire: W) => N): Page<N> {
  const edges = window.items.map(({ cursor, item }) => ({ cursor, node: present(item) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: window.hasNextPage,
      hasPreviousPage: window.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: window.total,
  };
}

function originKey(sourceId: string, kind: CftrOriginKind, ctixId: string): string {
  return `${sourceId}|${kind}|${ctixId}`;
}

/** One query per request level for every object's Respond incidents (no N+1), kept per request. */
const originLoaders = new WeakMap<GraphContext, DataLoader<string, CftrIncidentRef[]>>();

function originLoader(ctx: GraphContext): DataLoader<string, CftrIncidentRef[]> {
  let loader = originLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(async (keys) => {
      const where = keys.map((key) => {
        const [ctixSourceId, subjectKind, subjectId] = key.split('|') as [string, CftrOriginKind, string];
        return { ctixSourceId, subjectKind, subjectId };
      });
      const rows = await ctx.hub.dataSource.getRepository(CftrIncidentOriginEntity).find({ where, relations: { incident: true }, order: { createdAt: 'ASC', id: 'ASC' } });
      const byKey = new Map<string, CftrIncidentRef[]>();
      for (const row of rows) {
        const key = originKey(row.ctixSourceId, row.subjectKind, row.subjectId);
        const ref = Object.assign(new CftrIncidentRef(), {
          incidentId: row.incidentId, incident: presentIncident(row.incident!), cftrId: row.cftrExternalId, readableId: row.readableId,
          url: row.url, createdAt: row.createdAt,
        });
        byKey.set(key, [...(byKey.get(key) ?? []), ref]);
      }
      return keys.map((key) => byKey.get(key) ?? []);
    });
    originLoaders.set(ctx, loader);
  }
  return loader;
}
