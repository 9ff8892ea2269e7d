import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { floorSql } from './floor-sql.js';
import type { ShapeName } from './shapes.js';

/**
 * `node dist/bench/read/peer-server.js floor|postgraphile`: a comparison server of the read bench in its own process,
 * on DATABASE_URL with a pool the size of the hub's (10). Prints `listening URL` when ready.
 *   floor: POST /read {"shape","first"} answers the shape's JSON from one SQL statement, sent as PostgreSQL returns it.
 *   postgraphile: PostGraphile 4 over the public schema at POST /graphql (plus a bench-only computed column
 *   `incident_indicators`, since sightings have no foreign key to incidents).
 */
const kind = process.argv[2];
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

async function floorHandler(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { shape, first } = JSON.parse(await body(request)) as { shape: ShapeName; first: number };
  // Prepared once per connection.
  const { rows } = await pool.query({ name: `floor-${shape}`, text: floorSql(shape), values: [first] });
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(rows[0].body);
}

async function postgraphileHandler(): Promise<(request: IncomingMessage, response: ServerResponse) => void> {
  await pool.query(`CREATE OR REPLACE FUNCTION incident_indicators(i incident) RETURNS SETOF indicator AS $$
    SELECT x.* FROM sighting s JOIN indicator x ON x.id = s.indicator_id
    WHERE s.subject_type = 'INCIDENT' AND s.subject_id = i.id::text ORDER BY s.first_seen_at, s.id $$ LANGUAGE sql STABLE`);
  oneGraphqlCopy();
  const { postgraphile } = await import('postgraphile');
  return postgraphile(pool, 'public', {
    disableDefaultMutations: true, ignoreRBAC: false, retryOnInitFail: false, disableQueryLog: true, setofFunctionsContainNulls: false,
    graphiql: false, enableQueryBatching: false,
  }) as unknown as (request: IncomingMessage, response: ServerResponse) => void;
}

/**
 * PostGraphile 4 needs graphql 15; npm nests a copy under each of its packages (the root has the hub's 16), and
 * graphql objects from two copies do not mix. In this process nothing else uses graphql: every package gets the one
 * copy under postgraphile.
 */
function oneGraphqlCopy(): void {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('postgraphile/package.json'));
  const Module = require('node:module') as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const resolve = Module._resolveFilename;
  const graphqlDir = join(root, 'node_modules', 'graphql');
  Module._resolveFilename = (request: string, ...rest: unknown[]) =>
    request === 'graphql' || request.startsWith('graphql/') ? resolve(join(graphqlDir, request.slice('graphql'.length)), ...rest) : resolve(request, ...rest);
}

function body(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

const handler = kind === 'floor'
  ? (request: IncomingMessage, response: ServerResponse) => void floorHandler(request, response).catch((error) => {
    response.writeHead(500);
    response.end(String(error));
  })
  : await postgraphileHandler();
const server = createServer(handler);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`listening http://127.0.0.1:${address.port}\n`);
});
process.on('SIGTERM', () => { server.close(); void pool.end().then(() => process.exit(0)); });
