import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { printSchemaWithDirectives } from '../server/print-schema.js';

/** Writes schema.graphql (or prints it with --stdout). CI regenerates it and fails on any difference. */
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write('usage: npm run schema:print [-- --stdout]   writes schema.graphql (or prints it with --stdout)\n');
  process.exit(0);
}
const text = await printSchemaWithDirectives();
if (process.argv.includes('--stdout')) process.stdout.write(text);
else writeFileSync('schema.graphql', text);
