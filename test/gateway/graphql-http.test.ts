import { parse as legacyParse } from 'node:url';
import { describe, expect, it } from 'vitest';
import { searchOf } from '../../lib/graphql-http.ts';

// Apollo Server reads GET parameters with URLSearchParams from the search that
// @as-integrations/express5 took from url.parse: ours must give the same parameters.
const targets = [
  '/graphql',
  '/graphql?',
  '/graphql?query={a}',
  '/graphql?query=%7Ba%7D&variables=%7B%22id%22%3A1%7D',
  '/graphql?query=query%20Q{x(a:"b c")}&operationName=Q',
  "/graphql?query={x(a:'<>^|`\\')}",
  '/graphql?a=1+2&b=%2B#frag?x=1',
  '/graphql?extensions={"persistedQuery":{"version":1,"sha256Hash":"abc"}}',
  '/graphql?q=ü&r=%C3%BC',
  '/graphql#only-a-fragment',
];

describe('searchOf', () => {
  it.each(targets)('gives Apollo the parameters url.parse gave it: %s', (target) => {
    const ours = [...new URLSearchParams(searchOf(target))];
    const legacy = [...new URLSearchParams(legacyParse(target).search ?? '')];
    expect(ours).toEqual(legacy);
  });
});
