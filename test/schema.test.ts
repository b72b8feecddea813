import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printedSchema } from '../src/schema.js';

describe('schema.graphql', () => {
  it('is exactly the schema printed from the code (run `npm run schema:print` after changing types)', () => {
    expect(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8')).toBe(printedSchema());
  });
});
