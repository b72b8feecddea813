// A new folder inside the test run's temporary folder (tmp-root-setup.ts),
// removed with it when the run ends.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

export function tmpDir(prefix: string): string {
  return mkdtempSync(join(inject('tmpRoot' as never) as string, prefix));
}
