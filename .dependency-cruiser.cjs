/**
 * `npm run depcheck` (CI runs it after the typecheck): the architecture rules of issue #13.
 * - no import cycles, type-only imports included;
 * - production never loads a simulator: only src/sandbox itself, test and bench import src/sandbox; src/hub.ts
 *   imports the sandbox registry dynamically, in sandbox mode only (and the type of a running sandbox);
 * - nothing below the GraphQL layer imports it: domain, services, sources, store, jobs, events, db, enrichment,
 *   indicators, stix, config, observability and the flows' non-GraphQL files never import src/schema,
 *   src/resolvers, src/server, a flow's graphql/ folder, graphql or type-graphql.
 */
const BELOW_GRAPHQL = [
  '^src/(domain|services|sources|store|jobs|events|db|enrichment|indicators|stix|config|observability)/',
  '^src/flows/[^/]+/(?!graphql/|index\\.ts$)',
  '^src/flows/flow-module\\.ts$',
  '^migrations/',
];
const GRAPHQL_LAYER = [
  '^src/(schema|resolvers|server)/',
  '^src/flows/[^/]+/graphql/',
  '(^|/)node_modules/(graphql|type-graphql|graphql-scalars|graphql-ws|@apollo)/',
];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make load order matter and layers meaningless.',
      from: { path: '^(src|migrations)/' },
      to: { circular: true },
    },
    {
      name: 'no-sandbox-in-production',
      severity: 'error',
      comment: 'Production never loads a simulator: src/sandbox is for sandbox mode (dynamic import in src/hub.ts), tests and benches.',
      from: { path: '^(src|migrations)/', pathNot: ['^src/sandbox/', '^src/hub\\.ts$'] },
      to: { path: '^src/sandbox/' },
    },
    {
      name: 'sandbox-only-dynamically-from-hub',
      severity: 'error',
      comment: 'src/hub.ts loads the sandbox registry on demand (dynamic import), never statically.',
      from: { path: '^src/hub\\.ts$' },
      to: { path: '^src/sandbox/', dependencyTypesNot: ['type-only', 'dynamic-import'] },
    },
    {
      name: 'no-graphql-from-below',
      severity: 'error',
      comment: 'Global ids and domain errors live in src/domain; the GraphQL edge maps domain errors to GraphQL errors.',
      from: { path: BELOW_GRAPHQL },
      to: { path: GRAPHQL_LAYER },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|web)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
