// Sums a sampled allocation profile (.heapprofile, e.g. bench/idle-memory.ts
// --allocations) by allocating function (self) and by the package or project
// file of each frame on the stack (inclusive: a stack counts once per
// package), per unit (e.g. per socket opened while sampling).
//
//   node bench/allocation-sites.mjs allocations.heapprofile [--per 5000] [--top 40]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args[0];
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const per = opt('per', 1);
const top = opt('top', 40);
const profile = JSON.parse(readFileSync(file, 'utf8'));

const where = (frame) => {
  const url = frame.url || '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const own = /\/(dist|src)\/(.+)$/.exec(url)?.[2];
  if (own) return `project ${own}`;
  return url.startsWith('node:') ? url : url.replace(/^.*\//, '');
};

const self = new Map();
const inclusive = new Map();
let total = 0;
const add = (map, key, size) => map.set(key, (map.get(key) ?? 0) + size);
(function walk(node, stack) {
  const frame = node.callFrame;
  const label = `${frame.functionName || '(anonymous)'} ${where(frame)}:${frame.lineNumber + 1}`;
  const here = [...stack, where(frame)];
  if (node.selfSize > 0) {
    total += node.selfSize;
    add(self, label, node.selfSize);
    for (const key of new Set(here)) add(inclusive, key, node.selfSize);
  }
  for (const child of node.children ?? []) walk(child, here);
})(profile.head, []);

const show = (title, map) => {
  console.log(`\n${title}`);
  for (const [key, size] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(size / per / 1024).toFixed(2).padStart(9)} KB  ${((100 * size) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
};
console.log(`sampled allocations: ${(total / per / 1024).toFixed(1)} KB per unit (per = ${per})`);
show('by allocating function (self)', self);
show('by package or project file on the stack (inclusive)', inclusive);
