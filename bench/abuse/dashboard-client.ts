/**
 * The abuse bench's normal client, in a process of its own (as a real dashboard is): on each `{ seconds }`
 * message from its parent it sends the dashboard query one request at a time for that long and answers with
 * the latencies in ms. Kept apart from the attackers so their work cannot delay its own clock.
 */
const [url, token, query] = [process.env.DASHBOARD_URL!, process.env.DASHBOARD_TOKEN!, process.env.DASHBOARD_QUERY!];

async function dashboard(seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1_000;
  while (performance.now() < end) {
    const started = performance.now();
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
    const body = (await response.json()) as { data?: unknown; errors?: unknown };
    if (!response.ok || body.errors) throw new Error(`dashboard query failed: ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

process.on('message', (message: { seconds: number }) => {
  dashboard(message.seconds).then(
    (latencies) => process.send!({ latencies }),
    (error: Error) => process.send!({ error: error.message }),
  );
});
process.on('disconnect', () => process.exit(0));
