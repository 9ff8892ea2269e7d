/**
 * Imported first by `main.ts` (before graphql is loaded): a deployed hub runs graphql-js in production mode unless
 * NODE_ENV says otherwise. In development mode graphql-js checks every `instanceof` across realms, ~3.5 % of a nested
 * read's CPU in the profile. `server.development` (stack traces, landing page) is the hub's own switch and is unaffected.
 */
process.env.NODE_ENV ??= 'production';
export {};
