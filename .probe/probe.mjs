import { buildClientSchema, getIntrospectionQuery } from 'graphql';
import { startAbuseHub } from '/work/h9-http/dist/test/support/hostile/abuse-hub.js';
import { generateHostileRequests, sendHostile } from '/work/h9-http/dist/test/support/hostile/requests.js';
const abuse = await startAbuseHub();
try {
  const r = await fetch(abuse.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${abuse.tokens.ADMIN}` }, body: JSON.stringify({ query: getIntrospectionQuery() }) });
  const schema = buildClientSchema((await r.json()).data);
  const reqs = generateHostileRequests(schema, 20261205, 2100).filter((x) => !x.http?.slow);
  const internal = [];
  for (let i = 0; i < reqs.length; i += 10) {
    const answers = await Promise.all(reqs.slice(i, i + 10).map((q) => sendHostile(q, abuse)));
    for (const a of answers) if (a.text.includes('INTERNAL_SERVER_ERROR')) internal.push(`${a.request.id} ${a.request.caller} ${a.request.kind} ${a.text.slice(0, 400)}`);
  }
  console.log('INTERNAL answers', internal.length); internal.slice(0, 15).forEach((l) => console.log(l));
  const lines = abuse.hub.output().split('\n');
  const msgs = new Map();
  for (const l of lines) { try { const j = JSON.parse(l); const k = `${j.level} ${j.msg}`; msgs.set(k, (msgs.get(k) ?? 0) + 1); } catch { if (l.trim()) msgs.set('raw: ' + l.slice(0, 100), (msgs.get('raw: ' + l.slice(0, 100)) ?? 0) + 1); } }
  console.log('log lines', lines.length); [...msgs].sort((a, b) => b[1] - a[1]).slice(0, 25).forEach(([k, n]) => console.log(n, k));
  const errs = lines.filter((l) => l.includes('"level":50')).slice(0, 5); errs.forEach((l) => console.log(l.slice(0, 700)));
} finally { await abuse.stop(); }
