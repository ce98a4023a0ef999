import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

/** The restricted-import findings ESLint reports for `code` placed at `file`. */
async function fenced(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  return result!.messages
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((m) => m.message);
}

describe('module boundaries (ESLint no-restricted-imports)', { timeout: 60_000 }, () => {
  it('keeps one API out of another', async () => {
    const code = "import { smmKeyHeader } from '../smm/context.ts';\nexport const x = smmKeyHeader;\n";
    expect(await fenced('subgraphs/solsub/probe.ts', code)).toHaveLength(1);
    expect(await fenced('subgraphs/solsub/resolvers/probe.ts', code.replace('../', '../../'))).toHaveLength(
      1,
    );
  });

  it('lets an API use the shared kit', async () => {
    const code = "import { badInput } from '../shared/errors.ts';\nexport const x = badInput;\n";
    expect(await fenced('subgraphs/solsub/probe.ts', code)).toEqual([]);
  });

  it('keeps the gateway and lib/ out of subgraph code, types aside', async () => {
    const value = "import { checkId } from '../subgraphs/shared/validate.ts';\nexport const x = checkId;\n";
    expect(await fenced('gateway/probe.ts', value)).toHaveLength(1);
    expect(await fenced('lib/probe.ts', value)).toHaveLength(1);
    const type =
      "import type { BreakerReport } from '../subgraphs/shared/breaker.ts';\nexport type X = BreakerReport;\n";
    expect(await fenced('gateway/probe.ts', type)).toEqual([]);
  });

  it('keeps the shared kit from knowing any one API', async () => {
    const code = "import { smmKeyHeader } from '../smm/context.ts';\nexport const x = smmKeyHeader;\n";
    expect(await fenced('subgraphs/shared/probe.ts', code)).toHaveLength(1);
  });
});
