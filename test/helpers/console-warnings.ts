// Apollo Client and Graphcache report a cache they cannot use as configured
// (data lost on a write, a fragment they cannot place) with console.warn in
// development: a frontend team would see it in every console. The client
// tests call this to fail on any such warning.
import { afterEach, beforeEach, expect, vi, type MockInstance } from 'vitest';

export function failOnConsoleWarnings(): void {
  let spy: MockInstance<typeof console.warn> | undefined;
  const warnings: string[] = [];
  beforeEach(() => {
    warnings.length = 0;
    spy = vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.map(String).join(' ')));
  });
  afterEach(() => {
    spy?.mockRestore();
    expect(warnings).toEqual([]);
  });
}
