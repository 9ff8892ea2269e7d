import { markRawJson, RawJson, stringifyResult } from '../../src/reads/raw-json.js';

/*
 * Compiled data carries PostgreSQL's JSON text (RawJson) beside values the resolvers gave (a dashboard's viewer, jobs):
 * the texts are spliced in, and no value, whatever it holds, is taken for a placeholder.
 */
describe('stringifyResult', () => {
  it('splices each RawJson and writes every other value as JSON.stringify does', () => {
    const data = markRawJson({ a: { nodes: [new RawJson('{"id":"1","n":[1,2]}'), new RawJson('null')] }, viewer: { name: 'x' } });
    expect(JSON.parse(stringifyResult({ data }))).toEqual({ data: { a: { nodes: [{ id: '1', n: [1, 2] }, null] }, viewer: { name: 'x' } } });
  });

  it('leaves a value shaped like a placeholder as it is', () => {
    const lookalikes = ['\u00000', '\u0000abc:0', '\\u00000', '"\u00001"'];
    const data = markRawJson({ raw: new RawJson('{"spliced":true}'), values: lookalikes });
    const text = stringifyResult({ data });
    expect(JSON.parse(text)).toEqual({ data: { raw: { spliced: true }, values: lookalikes } });
    expect(text.endsWith('\n')).toBe(true);
  });

  it('writes unmarked data with JSON.stringify', () => {
    const value = { data: { a: '\u00000' }, errors: [{ message: 'm' }] };
    expect(stringifyResult(value)).toBe(`${JSON.stringify(value)}\n`);
  });
});
