// The typed documents generated for frontend teams compile on their own.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testDatabase } from './helpers/database.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe.runIf(testDatabase() === 'pglite')('GraphQL Code Generator output', () => {
  it('is generated from schema.graphql and examples/operations and compiles under tsc --noEmit', () => {
    const generate = spawnSync(process.execPath, ['node_modules/.bin/graphql-codegen', '--config', 'codegen.ts', '--silent'], { cwd: root, encoding: 'utf8' });
    expect(generate.status, generate.stderr).toBe(0);
    const compile = spawnSync(
      process.execPath,
      ['node_modules/typescript/bin/tsc', '--noEmit', '--strict', '--skipLibCheck', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', 'examples/generated/index.ts'],
      { cwd: root, encoding: 'utf8' },
    );
    expect(compile.status, compile.stdout + compile.stderr).toBe(0);
  }, 120_000);
});
