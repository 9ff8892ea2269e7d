import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { mutate, request } from '../hub-client.js';
import { linkTo } from '../router.js';
import { can, useSession } from '../session.js';
import { when } from '../format.js';

interface ThreatObject { id: string; ctixId: string; name: string; type: string; iocType: string | null; value: string | null; tlp: string | null; confidenceScore: number | null; modifiedAt: string | null }
interface Investigation { id: string; name: string; modifiedAt: string | null; nodes: Array<{ id: string }> }
interface Bulletin { id: string; title: string; status: string; tlp: string | null; modifiedAt: string | null; objects: Array<{ id: string }> }
interface Created {
  replayed: boolean;
  incident: { id: string; title: string; externalId: string };
  linkedIndicators: Array<{ value: string; type: string }>;
  skippedIndicators: Array<{ value: string; ctixType: string | null; reason: string }>;
}
interface Mapping { ctixType: string; cftrField: string; indicatorType: string }

const CREATED_FIELDS = 'replayed incident { id title externalId } linkedIndicators { value type } skippedIndicators { value ctixType reason }';

/** CTIX threat data, investigations and bulletins; a CFTR incident from a selection; type mappings (ADMIN). */
export function ThreatIntel() {
  const session = useSession();
  const [created, setCreated] = useState<Created | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = async (input: Record<string, unknown>) => {
    setError(null);
    try {
      const data = await mutate<{ createCftrIncident: Created }>(session.client,
        `mutation($input: CreateCftrIncidentInput!) { createCftrIncident(input: $input) { ${CREATED_FIELDS} } }`, { input });
      setCreated(data.createCftrIncident);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const operator = can(session, 'OPERATOR');
  return (
    <section aria-labelledby="intel-title">
      <h1 id="intel-title">Threat intel</h1>
      {error && <p role="alert" className="error">{error}</p>}
      {created && (
        <div className="card" role="status" data-testid="created-incident">
          <h2>CFTR incident {created.replayed ? 'already created' : 'created'}</h2>
          <p><a {...linkTo(`/incidents/${encodeURIComponent(created.incident.id)}`)}>{created.incident.title}</a> ({created.incident.externalId})</p>
          <p>Linked IOCs ({created.linkedIndicators.length}): {created.linkedIndicators.map((i) => i.value).join(', ') || 'none'}</p>
          <p>Skipped IOCs ({created.skippedIndicators.length}): {created.skippedIndicators.map((i) => `${i.value} (${i.ctixType ?? '?'}: ${i.reason})`).join(', ') || 'none'}</p>
        </div>
      )}
      <ThreatData onCreate={operator ? (ids) => create({ threatDataIds: ids }) : undefined} />
      <div className="columns">
        <Investigations onCreate={operator ? (id) => create({ investigation: { id } }) : undefined} />
        <Bulletins onCreate={operator ? (id) => create({ bulletinId: id }) : undefined} />
      </div>
      <TypeMappings admin={can(session, 'ADMIN')} />
    </section>
  );
}

function ThreatData({ onCreate }: { onCreate?: (ids: string[]) => Promise<void> }) {
  const { client } = useSession();
  const [search, setSearch] = useState('');
  const [objects, setObjects] = useState<ThreatObject[]>([]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async (text: string) => {
    try {
      const data = await request<{ threatData: { nodes: ThreatObject[] } }>(client,
        'query($filter: ThreatDataFilter) { threatData(first: 50, filter: $filter) { nodes { id ctixId name type iocType value tlp confidenceScore modifiedAt } } }',
        { filter: text ? { search: text } : undefined });
      setObjects(data.threatData.nodes);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [client]);
  useEffect(() => { void load(''); }, [load]);
  const toggle = (id: string) => setSelected((current) => {
    const next = new Set(current);
    if (next.has(id)) next.delete(id); else next.add(id);
    return next;
  });
  return (
    <div aria-labelledby="threat-data-title">
      <h2 id="threat-data-title">Threat data</h2>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); void load(search); }}>
        <label>Search <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} /></label>
        <button type="submit">Search</button>
        {onCreate && <button type="button" disabled={selected.size === 0} onClick={() => onCreate([...selected])}>Create CFTR incident from {selected.size} selected</button>}
      </form>
      {error && <p role="alert" className="error">{error}</p>}
      <div className="table-wrap">
        <table className="data">
          <thead><tr><th scope="col"><span className="visually-hidden">Select</span></th><th scope="col">Name</th><th scope="col">Type</th><th scope="col">IOC type</th><th scope="col">TLP</th><th scope="col">Confidence</th><th scope="col">Modified</th></tr></thead>
          <tbody>
            {objects.map((o) => (
              <tr key={o.id}>
                <td><input type="checkbox" checked={selected.has(o.id)} onChange={() => toggle(o.id)} aria-label={`Select ${o.name}`} /></td>
                <td>{o.name}</td><td>{o.type}</td><td>{o.iocType ?? '—'}</td><td>{o.tlp ?? '—'}</td><td>{o.confidenceScore ?? '—'}</td><td>{when(o.modifiedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Investigations({ onCreate }: { onCreate?: (id: string) => Promise<void> }) {
  const { client } = useSession();
  const [items, setItems] = useState<Investigation[]>([]);
  useEffect(() => {
    request<{ threatInvestigations: { nodes: Investigation[] } }>(client, '{ threatInvestigations(first: 20) { nodes { id name modifiedAt nodes { id } } } }')
      .then((d) => setItems(d.threatInvestigations.nodes)).catch(() => undefined);
  }, [client]);
  return (
    <div>
      <h2>Investigations</h2>
      {items.length === 0 ? <p>None.</p> : (
        <ul>{items.map((i) => (
          <li key={i.id}>{i.name} <span className="muted">({i.nodes.length} nodes, {when(i.modifiedAt)})</span>{' '}
            {onCreate && <button type="button" onClick={() => onCreate(i.id)} aria-label={`Create CFTR incident from investigation ${i.name}`}>Create incident</button>}</li>
        ))}</ul>
      )}
    </div>
  );
}

function Bulletins({ onCreate }: { onCreate?: (id: string) => Promise<void> }) {
  const { client } = useSession();
  const [items, setItems] = useState<Bulletin[]>([]);
  useEffect(() => {
    request<{ threatBulletins: { nodes: Bulletin[] } }>(client, '{ threatBulletins(first: 20) { nodes { id title status tlp modifiedAt objects { id } } } }')
      .then((d) => setItems(d.threatBulletins.nodes)).catch(() => undefined);
  }, [client]);
  return (
    <div>
      <h2>Bulletins</h2>
      {items.length === 0 ? <p>None.</p> : (
        <ul>{items.map((b) => (
          <li key={b.id}>{b.title} <span className="muted">({b.status}, {b.objects.length} objects, TLP {b.tlp ?? '—'})</span>{' '}
            {onCreate && <button type="button" onClick={() => onCreate(b.id)} aria-label={`Create CFTR incident from bulletin ${b.title}`}>Create incident</button>}</li>
        ))}</ul>
      )}
    </div>
  );
}

function TypeMappings({ admin }: { admin: boolean }) {
  const { client } = useSession();
  const [mappings, setMappings] = useState<Mapping[]>([]);
  const [ctixType, setCtixType] = useState('');
  const [cftrField, setCftrField] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const load = useCallback(() => request<{ indicatorTypeMappings: Mapping[] }>(client, '{ indicatorTypeMappings { ctixType cftrField indicatorType } }')
    .then((d) => setMappings(d.indicatorTypeMappings)).catch(() => undefined), [client]);
  useEffect(() => { void load(); }, [load]);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await mutate(client, 'mutation($input: SetIndicatorTypeMappingInput!) { indicatorTypeMappingSet(input: $input) { mapping { ctixType } } }', { input: { ctixType, cftrField } });
      setMessage(`${ctixType} → ${cftrField} saved.`);
      setCtixType('');
      setCftrField('');
      await load();
    } catch (e) {
      setMessage((e as Error).message);
    }
  };
  const remove = async (type: string) => {
    try {
      await mutate(client, 'mutation($t: String!) { indicatorTypeMappingRemove(input: { ctixType: $t }) { removed } }', { t: type });
      await load();
    } catch (e) {
      setMessage((e as Error).message);
    }
  };
  return (
    <div>
      <h2>IOC type mappings</h2>
      <table className="data">
        <thead><tr><th scope="col">CTIX type</th><th scope="col">Respond field</th><th scope="col">Indicator type</th>{admin && <th scope="col"><span className="visually-hidden">Actions</span></th>}</tr></thead>
        <tbody>{mappings.map((m) => (
          <tr key={m.ctixType}><td>{m.ctixType}</td><td>{m.cftrField}</td><td>{m.indicatorType}</td>
            {admin && <td><button type="button" onClick={() => remove(m.ctixType)} aria-label={`Remove mapping ${m.ctixType}`}>Remove</button></td>}</tr>
        ))}</tbody>
      </table>
      {admin && (
        <form className="filters" onSubmit={save} aria-label="Add or replace a mapping">
          <label>CTIX type <input value={ctixType} onChange={(e) => setCtixType(e.target.value)} required /></label>
          <label>Respond field <input value={cftrField} onChange={(e) => setCftrField(e.target.value)} required /></label>
          <button type="submit">Save mapping</button>
        </form>
      )}
      {message && <p role="status">{message}</p>}
    </div>
  );
}
