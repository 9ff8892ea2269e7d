import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { createSecureworksCtpSandbox } from '../../src/sandbox/secureworks-ctp/index.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { control } from '../support/sandbox-control.js';

/**
 * A CTP source configured as a real one would be (base URL, credentials from env variables, a template
 * override file), with Resilient on its sandbox: templates, template failures and vendor faults.
 */
let hub: TestHub;
let ctp: RunningSandbox;
let soar: RunningSandbox;

beforeAll(async () => {
  ctp = await startSandbox(createSecureworksCtpSandbox());
  process.env.TEST_CTP_USER = ctp.credentials.username;
  process.env.TEST_CTP_PASSWORD = ctp.credentials.password;
  const dir = mkdtempSync(join(tmpdir(), 'sg-templates-'));
  const escalate = join(dir, 'escalate.jinja');
  // A user's template: its own incident name; a branch for one kind of ticket calls a filter that does not exist (a template bug).
  writeFileSync(escalate, `{
  "name": "[CTP {{ priority }}] {{ symptomDescription }}{% if categoryItem == 'Template bug' %}{{ ticketId | no_such_filter }}{% endif %}",
  "discovered_date": {{ dateCreated }},
  "properties": { "scwx_ctp_ticket_id": "{{ ticketId }}", "scwx_ctp_status": "{{ status }}" }
}`);
  hub = await startTestHub({
    config: {
      sandboxes: 'missing',
      jobs: { 'ctp-resilient-sync': { intervalSeconds: 0 } },
      sources: [{
        name: 'ctp-prod',
        vendor: 'SECUREWORKS_CTP',
        baseUrl: ctp.apiUrl,
        credentials: { username: 'TEST_CTP_USER', password: 'TEST_CTP_PASSWORD' },
        timeoutMs: 1500,
        settings: { templates: { escalate }, queryLimit: 5, concurrency: 3 },
      }],
    },
  });
  soar = hub.sandboxes.get('ibm-resilient')!;
});

afterAll(async () => {
  await hub?.close();
  await ctp?.close();
});

async function runSync(): Promise<Record<string, number>> {
  const data = await hub.query('mutation { runJob(name: "ctp-resilient-sync") { state error output } }', undefined, hub.tokens.OPERATOR);
  if (data.runJob.state !== 'COMPLETED') throw new Error(`sync run ${data.runJob.state}: ${data.runJob.error}`);
  return data.runJob.output;
}

async function newTicket(fields: Record<string, unknown> = {}): Promise<string> {
  return (await control(ctp, 'POST', '/tickets', { status: 'New', priority: 'HIGH', symptomDescription: 'Beaconing', ...fields })).ticketId;
}

async function incidentNames(): Promise<string[]> {
  const { incidents } = await control(soar, 'GET', '/incidents');
  return incidents.map((i: any) => i.incident.name);
}

describe('a configured CTP source with a template override', () => {
  it('renders incidents from the user template', async () => {
    const ticketId = await newTicket({ symptomDescription: 'Beaconing to "evil" host' });
    await runSync();
    expect(await incidentNames()).toContain('[CTP HIGH] Beaconing to "evil" host');
    expect((await control(ctp, 'GET', `/tickets/${ticketId}`)).inFeed).toBe(false);
  });

  it('a template error fails that ticket only: SYNC_FAILED, not acknowledged, the others go on; fixed, it syncs', async () => {
    const broken = await newTicket({ categoryItem: 'Template bug', symptomDescription: 'broken' });
    const fine = await newTicket({ symptomDescription: 'fine' });
    const output = await runSync();
    expect(output).toMatchObject({ failed: 1, acknowledged: 1 });
    expect((await control(ctp, 'GET', `/tickets/${broken}`)).inFeed).toBe(true);
    expect((await control(ctp, 'GET', `/tickets/${fine}`)).inFeed).toBe(false);
    const events = await hub.query('{ syncEvents(first: 1, filter: { kinds: [SYNC_FAILED] }) { nodes { message subjectId details } } }');
    expect(events.syncEvents.nodes[0].message).toMatch(new RegExp(`${broken}.*escalate template`));
    expect(events.syncEvents.nodes[0].subjectId).not.toBeNull();
    // Failed again on the next run (still broken): reported, still not acknowledged, no hot loop.
    expect(await runSync()).toMatchObject({ failed: 1, tickets: 1 });
    await control(ctp, 'PATCH', `/tickets/${broken}`, { categoryItem: 'Malware' });
    expect(await runSync()).toMatchObject({ failed: 0, incidentsCreated: 1 });
    expect((await control(ctp, 'GET', `/tickets/${broken}`)).inFeed).toBe(false);
  });

  it('drains the feed page by page (limit 5) with bounded concurrency', async () => {
    await control(ctp, 'POST', '/seed', { count: 12, worklogsPerTicket: 1 });
    const output = await runSync();
    expect(output).toMatchObject({ tickets: 12, acknowledged: 12, incidentsCreated: 12, notesAdded: 12, failed: 0 });
    expect(output.pages).toBeGreaterThanOrEqual(3);
  });
});

describe('vendor faults on both sides', () => {
  it('429 with Retry-After, 5xx, timeouts and malformed JSON: the run completes or resumes, nothing lost or doubled', async () => {
    await control(ctp, 'POST', '/seed', { count: 6, worklogsPerTicket: 2, attachmentsPerTicket: 1, attachmentBytes: 1024 });
    await control(ctp, 'PUT', '/faults', { next: [{ status: 429, retryAfterSeconds: 1 }, { status: 503 }, { malformed: true }] });
    await control(soar, 'PUT', '/faults', { errorRate: 0.15, errorStatus: 502, timeoutRate: 0.03, hangMs: 3000 });
    let runs = 0;
    for (; runs < 8; runs += 1) {
      if ((await control(ctp, 'GET', '/summary')).inFeed === 0) break;
      await runSync().catch(() => undefined); // a run may fail outright; the next one resumes
    }
    await control(soar, 'DELETE', '/faults');
    await runSync();
    expect((await control(ctp, 'GET', '/summary')).inFeed).toBe(0);
    const { incidents } = await control(soar, 'GET', '/incidents');
    const byTicket = new Map<string, number>();
    for (const i of incidents as any[]) {
      const id = i.incident.properties.scwx_ctp_ticket_id;
      byTicket.set(id, (byTicket.get(id) ?? 0) + 1);
    }
    expect([...byTicket.values()].every((n) => n === 1)).toBe(true);
    expect(byTicket.size).toBe((await control(ctp, 'GET', '/summary')).tickets);
    // Every note and attachment in Resilient exactly once.
    for (const i of incidents as any[]) {
      const texts = i.notes.map((n: { text: { content: string } }) => n.text.content);
      expect(new Set(texts).size).toBe(texts.length);
      const names = i.attachments.map((a: { name: string }) => a.name);
      expect(new Set(names).size).toBe(names.length);
    }
    const tickets = await hub.query('{ tickets(first: 200, filter: { vendor: SECUREWORKS_CTP }) { nodes { externalId worklogs { totalCount } attachments { externalId } incidents { notes { totalCount } attachments { name } } } } }');
    for (const t of tickets.tickets.nodes.filter((n: any) => n.incidents.length > 0)) {
      expect(t.incidents[0].notes.totalCount).toBe(t.worklogs.totalCount);
      expect(t.incidents[0].attachments).toHaveLength(t.attachments.length);
    }
  });
});
