import type { TestHub } from '../support/hub.js';
import { control } from '../support/sandbox-control.js';
import { callsTo, lastSeq, randomPublicIp, randomSha256, sandboxOf, startGenerousHub } from './enrichment-support.js';

let hub: TestHub;

beforeAll(async () => {
  // Pacing is quota.test.ts's subject.
  hub = await startGenerousHub();
});

afterAll(async () => {
  await hub?.close();
});

const ENRICH = `mutation($values: [String!]!, $force: Boolean) {
  enrichIndicators(input: { values: $values, force: $force }) {
    indicators { id type value verdict score enrichments { provider source verdict score summary link notFound details } }
    lookups { indicatorId value provider source status error enrichment { id verdict } }
  }
}`;

describe('GraphQL: extractIndicators and enrichIndicators', () => {
  it('extractIndicators (VIEWER) refangs, types and de-duplicates what a text carries', async () => {
    const text = 'Beacon to hxxp://evil-updates[.]example[.]com/gate.php from 8.8.8.8 and 8[.]8[.]8[.]8; '
      + 'dropper 44D88612FEA8A8F36DE82E1278ABB02F, internal host 10.0.0.5';
    const data = await hub.query('query($text: String!) { extractIndicators(text: $text) { type value } }', { text }, hub.tokens.VIEWER);
    expect(data.extractIndicators).toEqual(expect.arrayContaining([
      { type: 'URL', value: 'http://evil-updates.example.com/gate.php' },
      { type: 'IPV4', value: '8.8.8.8' },
      { type: 'MD5', value: '44d88612fea8a8f36de82e1278abb02f' },
    ]));
    expect(data.extractIndicators.filter((i: { value: string }) => i.value === '8.8.8.8')).toHaveLength(1);
    expect(data.extractIndicators.some((i: { value: string }) => i.value === '10.0.0.5')).toBe(false);
  });

  it('enrichIndicators (OPERATOR) types defanged values, enriches them and returns indicators with their enrichments', async () => {
    const ip = randomPublicIp();
    const hash = randomSha256();
    await control(sandboxOf(hub, 'abuseipdb'), 'PUT', `/indicators/${ip}`, { preset: 'malicious' });
    await control(sandboxOf(hub, 'virustotal'), 'PUT', `/indicators/${ip}`, { preset: 'clean' });
    await control(sandboxOf(hub, 'virustotal'), 'PUT', `/indicators/${hash}`, { preset: 'not-found' });
    await control(sandboxOf(hub, 'hybrid-analysis'), 'PUT', `/indicators/${hash}`, { preset: 'not-found' });
    const defangedIp = ip.replace(/\./g, '[.]');
    const data = await hub.query(ENRICH, { values: [defangedIp, hash.toUpperCase(), ip] }, hub.tokens.OPERATOR);
    const { indicators, lookups } = data.enrichIndicators;
    expect(indicators.map((i: { type: string; value: string }) => [i.type, i.value])).toEqual([['IPV4', ip], ['SHA256', hash]]);
    const [ipNode, hashNode] = indicators;
    expect(ipNode.verdict).toBe('MALICIOUS');
    expect(ipNode.enrichments.map((e: { provider: string }) => e.provider).sort()).toEqual(['ABUSEIPDB', 'VIRUSTOTAL']);
    expect(ipNode.score).toBe(Math.max(...ipNode.enrichments.map((e: { score: number | null }) => e.score ?? 0)));
    expect(ipNode.enrichments.find((e: { provider: string }) => e.provider === 'VIRUSTOTAL').link).toMatch(/^https:\/\/www\.virustotal\.com\/gui\/ip-address\//);
    expect(hashNode.verdict).toBe('UNKNOWN');
    expect(hashNode.score).toBeNull();
    expect(hashNode.enrichments.every((e: { notFound: boolean; verdict: string }) => e.notFound && e.verdict === 'UNKNOWN')).toBe(true);
    expect(lookups).toHaveLength(4);
    expect(lookups.every((l: { status: string; enrichment: unknown }) => l.status === 'FETCHED' && l.enrichment)).toBe(true);

    // The graph's Indicator reads the same state later.
    const read = await hub.query('query($v: String!) { indicator(value: $v) { id verdict score enrichments { provider verdict } } }', { v: ip }, hub.tokens.VIEWER);
    expect(read.indicator).toMatchObject({ id: ipNode.id, verdict: 'MALICIOUS', score: ipNode.score });

    // Again: from the cache, no call.
    const seq = await lastSeq(hub, 'abuseipdb');
    const again = await hub.query(ENRICH, { values: [ip] }, hub.tokens.OPERATOR);
    expect(again.enrichIndicators.lookups.map((l: { status: string }) => l.status)).toEqual(['CACHED', 'CACHED']);
    expect(await callsTo(hub, 'abuseipdb', seq)).toHaveLength(0);
    const forced = await hub.query(ENRICH, { values: [ip], force: true }, hub.tokens.OPERATOR);
    expect(forced.enrichIndicators.lookups.map((l: { status: string }) => l.status)).toEqual(['FETCHED', 'FETCHED']);
    expect(await callsTo(hub, 'abuseipdb', seq)).toHaveLength(1);
  });

  it('a value that is not an indicator is BAD_USER_INPUT naming it, and nothing is enriched', async () => {
    const seq = await lastSeq(hub, 'virustotal');
    const ip = randomPublicIp();
    const { body } = await hub.graphql(ENRICH, { values: [ip, 'not an indicator at all'] }, hub.tokens.OPERATOR);
    expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0].message).toContain("'not an indicator at all'");
    const privateIp = await hub.graphql(ENRICH, { values: ['192.168.1.20'] }, hub.tokens.OPERATOR);
    expect(privateIp.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(privateIp.body.errors?.[0].message).toMatch(/192\.168\.1\.20.*private/);
    expect(await callsTo(hub, 'virustotal', seq)).toHaveLength(0);
  });

  it('a provider failure shows as a FAILED lookup, not an error, while the others answer', async () => {
    const ip = randomPublicIp();
    await control(sandboxOf(hub, 'abuseipdb'), 'PUT', '/faults', { errorRate: 1, errorStatus: 500 });
    try {
      const data = await hub.query(ENRICH, { values: [ip] }, hub.tokens.OPERATOR);
      const lookups = data.enrichIndicators.lookups;
      expect(lookups.find((l: { provider: string }) => l.provider === 'ABUSEIPDB')).toMatchObject({ status: 'FAILED', enrichment: null });
      expect(lookups.find((l: { provider: string }) => l.provider === 'ABUSEIPDB').error).toMatch(/500/);
      expect(lookups.find((l: { provider: string }) => l.provider === 'VIRUSTOTAL').status).toBe('FETCHED');
    } finally {
      await control(sandboxOf(hub, 'abuseipdb'), 'DELETE', '/faults');
    }
  });

  it('enrichIndicators needs OPERATOR', async () => {
    const { body } = await hub.graphql(ENRICH, { values: ['8.8.4.4'] }, hub.tokens.VIEWER);
    expect(body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
