import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { createRoot } from 'react-dom/client';
import { graphqlWsUrl, hubPageConfig } from './hub-config.js';

// Headers travel on every HTTP request and, for subscriptions, as graphql-ws connectionParams (where the hub
// reads `authorization`). The pre-filled token is also the fetcher's default, so the first introspection (sent
// before the headers editor exists) is authorised; with a token typed in, "Re-fetch GraphQL schema" loads the docs.
const token = hubPageConfig.developmentToken;
const fetcher = createGraphiQLFetcher({
  url: '/graphql',
  subscriptionUrl: graphqlWsUrl(),
  headers: token ? { authorization: `Bearer ${token}` } : undefined,
  wsConnectionParams: token ? { authorization: `Bearer ${token}` } : undefined,
});
const headers = JSON.stringify({ authorization: token ? `Bearer ${token}` : 'Bearer sgt_…' }, null, 2);
const defaultQuery = `# socgraph: put your token in the Headers tab below (pre-filled with the
# development token when the hub runs on sandboxes and you are on this machine).
{
  viewer { name role }
  sources { name vendor sandbox health { status } }
  incidents(first: 5) { totalCount nodes { id title status severity source { vendor } } }
}
`;

createRoot(document.getElementById('explorer')!).render(
  <GraphiQL fetcher={fetcher} defaultQuery={defaultQuery} headers={headers} defaultHeaders={headers}
    defaultEditorToolsVisibility="headers" shouldPersistHeaders={false} />,
);
