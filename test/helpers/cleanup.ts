// Registers a clean-up for whatever scope is running: the current test when
// called inside one, else the enclosing file or describe block.
import { afterAll, onTestFinished } from 'vitest';

export function cleanup(fn: () => unknown): void {
  try {
    onTestFinished(async () => {
      await fn();
    });
  } catch {
    afterAll(async () => {
      await fn();
    });
  }
}
