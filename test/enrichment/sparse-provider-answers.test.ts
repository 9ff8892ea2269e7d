import { randomBytes } from 'node:crypto';
import type { TestHub } from '../support/hub.js';
import { control } from '../support/sandbox-control.js';
import { randomPublicIp, randomSha256, sandboxOf, startGenerousHub } from './enrichment-support.js';

/**
 * Issue 10, case 6: a provider that knows little about an indicator answers with its optional fields null or
 * left out (VirusTotal `as_owner: null`, `asn`, `country`, `network`…, notes §3.3). Every provider's wire schema
 * takes that: the answer is an enrichment (no FAILED lookup, no provider gap asked again on every run).
 * Each sandbox serves such answers (`sparse`): every field but those the mapping needs null, absent, or objects
 * with every field inside them null.
 */
let hub: TestHub;

beforeAll(async () => {
  hub = await startGenerousHub();
});

afterAll(async () => {
  await hub?.close();
});

const ENRICH = `mutation($values: [String!]!) {
  enrichIndicators(input: { values: $values, force: true }) {
    indicators { type value verdict enrichments { provider verdict score summary notFound details } }
    lookups { value provider status error }
  }
}`;

const suffix = () => randomBytes(4).toString('hex');

describe.each(['null', 'absent', 'null-leaves'] as const)('every optional field %s', (sparse) => {
  it('VirusTotal (IP, domain, URL, file), AbuseIPDB (IP) and Hybrid Analysis (md5 and sha256) all enrich', async () => {
    const ip = randomPublicIp();
    const domain = `sparse-${suffix()}.info`;
    const url = `https://sparse-${suffix()}.info/login`;
    const sha256 = randomSha256();
    const md5 = randomBytes(16).toString('hex');
    const vt = sandboxOf(hub, 'virustotal');
    for (const value of [ip, domain, url, sha256, md5]) await control(vt, 'PUT', `/indicators/${encodeURIComponent(value)}`, { preset: 'malicious', sparse });
    await control(sandboxOf(hub, 'abuseipdb'), 'PUT', `/indicators/${ip}`, { preset: 'malicious', sparse });
    for (const hash of [sha256, md5]) await control(sandboxOf(hub, 'hybrid-analysis'), 'PUT', `/indicators/${hash}`, { preset: 'malicious', sparse });

    const { lookups, indicators } = (await hub.query(ENRICH, { values: [ip, domain, url, sha256, md5] }, hub.tokens.OPERATOR)).enrichIndicators;
    expect(lookups.filter((l: { status: string }) => l.status !== 'FETCHED')).toEqual([]);
    expect(lookups.map((l: { provider: string }) => l.provider).sort()).toEqual(
      ['ABUSEIPDB', 'HYBRID_ANALYSIS', 'HYBRID_ANALYSIS', 'VIRUSTOTAL', 'VIRUSTOTAL', 'VIRUSTOTAL', 'VIRUSTOTAL', 'VIRUSTOTAL']);
    for (const indicator of indicators) {
      for (const enrichment of indicator.enrichments) {
        expect(enrichment.notFound).toBe(false);
        expect(enrichment.summary).not.toMatch(/undefined|null|NaN/);
      }
    }
    const byValue = new Map(indicators.map((i: { value: string }) => [i.value, i]));
    const ipNode: any = byValue.get(ip);
    // What the mapping strictly needs is still there: AbuseIPDB's score decides.
    expect(ipNode.enrichments.find((e: { provider: string }) => e.provider === 'ABUSEIPDB')).toMatchObject({ verdict: 'MALICIOUS', score: 100 });
    expect(ipNode.enrichments.find((e: { provider: string }) => e.provider === 'VIRUSTOTAL').details).toMatchObject({ asOwner: null, asn: null, country: null, network: null });
    const hashNode: any = byValue.get(sha256);
    expect(hashNode.enrichments.find((e: { provider: string }) => e.provider === 'VIRUSTOTAL').details.sha256).toBe(sha256);
  });
});
