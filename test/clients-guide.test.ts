// docs/clients.md shows code from examples/clients/*.ts: every ```ts block
// there sits under a `<!-- snippet: <file>#<region> -->` marker and must equal
// that `// #region` of the file, and every region must be shown, so the guide
// cannot drift from the code that test/clients-apollo.test.ts and
// test/clients-urql.test.ts run. Plus the shared helpers' pure parts.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, isUnionType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { lastMessageId, withMessage, type MessageConnection } from '../examples/clients/history.js';
import { possibleTypes } from '../examples/clients/possible-types.js';
import type { MessageItemFragment } from '../examples/generated/graphql.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');
const GUIDE = 'docs/clients.md';
const SOURCES = 'examples/clients';

/** Trailing spaces off, common indentation off, no blank lines at either end. */
function normalise(text: string): string {
  const lines = text.split('\n').map((line) => line.trimEnd());
  while (lines.length && lines[0] === '') lines.shift();
  while (lines.length && lines.at(-1) === '') lines.pop();
  const indent = Math.min(...lines.filter((l) => l !== '').map((l) => l.length - l.trimStart().length));
  return lines.map((line) => line.slice(indent)).join('\n');
}

/** The `// #region name` … `// #endregion` blocks of a source file, by name. */
function regions(path: string): Map<string, string> {
  const found = new Map<string, string>();
  let open: { name: string; lines: string[] } | undefined;
  for (const [index, line] of read(path).split('\n').entries()) {
    const start = /^\s*\/\/ #region (\S+)\s*$/.exec(line);
    if (start) {
      if (open) throw new Error(`${path}:${index + 1}: region ${start[1]} opens inside ${open.name}`);
      if (found.has(start[1]!)) throw new Error(`${path}:${index + 1}: region ${start[1]} twice`);
      open = { name: start[1]!, lines: [] };
    } else if (/^\s*\/\/ #endregion\b/.test(line)) {
      if (!open) throw new Error(`${path}:${index + 1}: #endregion without #region`);
      found.set(open.name, normalise(open.lines.join('\n')));
      open = undefined;
    } else if (open) {
      open.lines.push(line);
    }
  }
  if (open) throw new Error(`${path}: region ${open.name} is never closed`);
  return found;
}

interface Shown {
  file: string;
  region: string;
  code: string;
  line: number;
}

/** The code blocks of the guide: marked ones, and any TypeScript block without a marker. */
function guideBlocks(): { shown: Shown[]; unmarked: number[] } {
  const lines = read(GUIDE).split('\n');
  const shown: Shown[] = [];
  const unmarked: number[] = [];
  let marker: { file: string; region: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const mark = /^<!-- snippet: (\S+)#(\S+) -->$/.exec(line.trim());
    if (mark) {
      marker = { file: mark[1]!, region: mark[2]! };
      continue;
    }
    const fence = /^```(\w*)\s*$/.exec(line);
    if (fence) {
      const start = i;
      const body: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
      if (marker) shown.push({ ...marker, code: normalise(body.join('\n')), line: start + 1 });
      else if (!['sh', 'bash'].includes(fence[1]!)) unmarked.push(start + 1);
      marker = undefined;
      continue;
    }
    if (line.trim() !== '' && marker) throw new Error(`${GUIDE}:${i + 1}: a snippet marker must be followed by its code block`);
  }
  return { shown, unmarked };
}

const sourceFiles = readdirSync(`${root}${SOURCES}`)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => `${SOURCES}/${name}`);

describe('docs/clients.md', () => {
  const { shown, unmarked } = guideBlocks();

  it('marks every TypeScript block with the region it comes from', () => {
    expect(shown.length).toBeGreaterThan(0);
    expect(unmarked, `unmarked code blocks at lines ${unmarked.join(', ')}`).toEqual([]);
  });

  it('shows each region exactly as it is in its file', () => {
    for (const block of shown) {
      const region = regions(block.file).get(block.region);
      expect(region, `${GUIDE}:${block.line} names ${block.file}#${block.region}, which does not exist`).toBeDefined();
      expect(block.code, `${GUIDE}:${block.line} differs from ${block.file}#${block.region}`).toBe(region);
    }
  });

  it('shows every region of examples/clients once, and every file there has regions', () => {
    const expected = sourceFiles.flatMap((file) => {
      const names = [...regions(file).keys()];
      expect(names.length, `${file} has no regions`).toBeGreaterThan(0);
      return names.map((name) => `${file}#${name}`);
    });
    // Blocks may also show regions of the demo page (examples/web: push); those are checked above.
    const fromClients = shown.filter((block) => block.file.startsWith(`${SOURCES}/`));
    expect(fromClients.map((block) => `${block.file}#${block.region}`).sort()).toEqual(expected.sort());
  });

  it('links the README’s codegen section, which exists', () => {
    const guide = read(GUIDE);
    expect(guide).toContain('../README.md#typed-clients-graphql-code-generator');
    expect(read('README.md')).toMatch(/^## Typed clients \(GraphQL Code Generator\)$/m);
    expect(read('README.md').includes('](docs/clients.md)'), 'README.md links docs/clients.md').toBe(true);
  });
});

describe('the shared helpers of the guide', () => {
  const message = (seq: number): MessageItemFragment => ({
    id: `m${seq}`,
    seq,
    conversationId: 'c',
    content: `message ${seq}`,
    clientMessageId: null,
    createdAt: '2026-11-21T10:00:00.000Z',
    status: 'SENT',
    sender: { id: 'u', username: 'u', displayName: 'u', avatarUrl: null, online: false, lastSeenAt: null },
    readBy: [],
    attachments: [],
  });
  const page = (...seqs: number[]): MessageConnection => ({
    edges: seqs.map((seq) => ({ cursor: `cursor${seq}`, node: message(seq) })),
    pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: `cursor${seqs[0]}`, endCursor: `cursor${seqs.at(-1)}` },
  });
  const seqs = (connection: MessageConnection) => connection.edges.map((edge) => edge.node.seq);

  it('withMessage appends a new message with no cursor and leaves startCursor alone', () => {
    const next = withMessage(page(1, 2), message(3));
    expect(seqs(next)).toEqual([1, 2, 3]);
    expect(next.edges[2]).toEqual({ __typename: 'MessageEdge', cursor: '', node: message(3) });
    expect(next.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: 'cursor1', endCursor: null });
  });

  it('withMessage returns the same connection for a message it holds (own send + event, replays)', () => {
    const held = page(1, 2, 3);
    expect(withMessage(held, message(2))).toBe(held);
    expect(withMessage(withMessage(held, message(4)), message(4)).edges).toHaveLength(4);
  });

  it('withMessage puts a message that arrives late in seq order', () => {
    expect(seqs(withMessage(page(1, 2, 4), message(3)))).toEqual([1, 2, 3, 4]);
    expect(seqs(withMessage(page(5, 6), message(1)))).toEqual([1, 5, 6]);
  });

  it('lastMessageId is the newest message held, or undefined', () => {
    expect(lastMessageId(page(7, 8, 9))).toBe('m9');
    expect(lastMessageId(page())).toBeUndefined();
    expect(lastMessageId(undefined)).toBeUndefined();
  });

  it('possibleTypes lists exactly the unions of schema.graphql and their members', () => {
    const schema = buildSchema(read('schema.graphql'));
    const unions = Object.values(schema.getTypeMap()).filter(isUnionType);
    const fromSchema = Object.fromEntries(unions.map((union) => [union.name, union.getTypes().map((t) => t.name).sort()]));
    expect(Object.fromEntries(Object.entries(possibleTypes).map(([name, members]) => [name, [...members].sort()]))).toEqual(fromSchema);
  });
});
