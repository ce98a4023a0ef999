import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import codegenConfig from '../../codegen.ts';
import { composeSupergraph } from '../../stack/compose.ts';
import { parts } from '../../stack/parts/index.ts';

const root = resolve(import.meta.dirname, '../..');
const onDisk = (file: string) => readFileSync(resolve(root, file), 'utf8');

describe('generated files are committed fresh', () => {
  it('schema/ matches what `npm run compose` would write', () => {
    const { supergraph, apiSchema } = composeSupergraph(parts);
    expect(onDisk('schema/supergraph.graphql'), 'run `npm run compose`').toBe(supergraph);
    expect(onDisk('schema/api-schema.graphql'), 'run `npm run compose`').toBe(apiSchema);
  });

  it('codegen output matches what `npm run codegen` would write', async () => {
    const outputs = await generate({ ...codegenConfig, cwd: root, silent: true }, false);
    expect(outputs.map((o: { filename: string }) => o.filename)).toEqual(
      expect.arrayContaining([
        'subgraphs/smm/__generated__/resolvers-types.ts',
        'client/__generated__/hooks.ts',
      ]),
    );
    for (const out of outputs) {
      const file = resolve(root, out.filename);
      expect(onDisk(file), `${out.filename} is stale: run \`npm run codegen\``).toBe(out.content);
    }
  });
});
