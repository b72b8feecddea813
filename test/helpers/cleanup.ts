// Registers a clean-up for whatever scope is running: the current test when
// called inside one, else the end of the file. (vitest ignores an afterAll
// registered from inside a hook, so hooks' clean-ups go to a list that a
// file-level afterAll, registered when this module is imported, drains.)
import { afterAll, onTestFinished } from 'vitest';

const atFileEnd: (() => unknown)[] = [];

afterAll(async () => {
  for (const fn of atFileEnd.splice(0).reverse()) await fn();
});

export function cleanup(fn: () => unknown): void {
  try {
    onTestFinished(async () => {
      await fn();
    });
  } catch {
    atFileEnd.push(fn);
  }
}
