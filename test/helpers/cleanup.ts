// Registers a clean-up for whatever scope is running: the current test when
// called inside one, else the end of the file. (vitest ignores an afterAll
// registered from inside a hook, so hooks' clean-ups go to a list that
// file-cleanup-setup.ts drains after each file: a setup file runs again
// before every file, while this module, with isolate: false, is imported once
// per run and could not register a hook for each file.)
import { onTestFinished } from 'vitest';

const atFileEnd: (() => unknown)[] = [];

/** Runs the file's clean-ups, last registered first. */
export async function runFileCleanups(): Promise<void> {
  for (const fn of atFileEnd.splice(0).reverse()) await fn();
}

export function cleanup(fn: () => unknown): void {
  try {
    onTestFinished(async () => {
      await fn();
    });
  } catch {
    atFileEnd.push(fn);
  }
}
