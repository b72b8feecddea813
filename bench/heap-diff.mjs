// Compares V8 heap snapshots by constructor: count and self size of each
// (node type, name) in each snapshot, and the growth from the first to the
// last per unit (e.g. per socket), largest first. For bench/idle-memory.ts's
// snapshots.
//
//   node --max-old-space-size=8000 bench/heap-diff.mjs a.heapsnapshot b.heapsnapshot [--per 5000] [--top 60]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const files = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const per = opt('per', 1);
const top = opt('top', 60);

function summarize(file) {
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  const { node_fields: fields, node_types: types } = snapshot.snapshot.meta;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const typeNames = types[0];
  const { nodes, strings } = snapshot;
  const byKey = new Map();
  let total = 0;
  for (let i = 0; i < nodes.length; i += width) {
    const type = typeNames[nodes[i + typeAt]];
    let name = type === 'string' || type === 'concatenated string' || type === 'sliced string' ? '(string)' : strings[nodes[i + nameAt]];
    if (type === 'code') name = '(code)';
    if (type === 'closure') name = `closure ${name}`;
    if (name.length > 80) name = `${name.slice(0, 77)}...`;
    const key = `${type}\t${name}`;
    const size = nodes[i + sizeAt];
    total += size;
    const entry = byKey.get(key);
    if (entry) {
      entry.count++;
      entry.size += size;
    } else byKey.set(key, { count: 1, size });
  }
  return { byKey, total, nodes: nodes.length / width };
}

const summaries = files.map((f) => {
  const s = summarize(f);
  console.log(`${f}: ${s.nodes} objects, ${(s.total / 1024 / 1024).toFixed(1)} MB self size`);
  return s;
});
const first = summaries[0];
const last = summaries[summaries.length - 1];
const rows = [];
for (const [key, entry] of last.byKey) {
  const before = first.byKey.get(key) ?? { count: 0, size: 0 };
  rows.push({ key, dCount: entry.count - before.count, dSize: entry.size - before.size });
}
for (const [key, before] of first.byKey) if (!last.byKey.has(key)) rows.push({ key, dCount: -before.count, dSize: -before.size });
rows.sort((a, b) => b.dSize - a.dSize);
const totalGrowth = last.total - first.total;
console.log(`growth ${(totalGrowth / 1024 / 1024).toFixed(1)} MB, ${(totalGrowth / per).toFixed(0)} bytes per unit (per = ${per})`);
console.log('bytes/unit  count/unit  type\tname');
for (const row of rows.slice(0, top)) {
  console.log(`${(row.dSize / per).toFixed(1).padStart(10)}  ${(row.dCount / per).toFixed(2).padStart(10)}  ${row.key}`);
}
