import { readFileSync } from 'node:fs';

/**
 * `node dist-bench/heap-summary.js before.heapsnapshot after.heapsnapshot <connections>`: what
 * the heap grew by between two snapshots (BENCH_HEAP), per connection, by object kind
 * (V8's node type and constructor or string kind), largest first.
 */
interface HeapSnapshot {
  readonly snapshot: { readonly meta: { readonly node_fields: string[]; readonly node_types: [string[]] } };
  readonly nodes: number[];
  readonly strings: string[];
}

interface Kind {
  count: number;
  bytes: number;
}

function kinds(file: string): Map<string, Kind> {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const result = new Map<string, Kind>();
  for (let i = 0; i < heap.nodes.length; i += fields.length) {
    const type = types[heap.nodes[i + typeAt]];
    // Strings are grouped by kind, not by content; closures and objects by their name.
    const name = ['string', 'concatenated string', 'sliced string', 'number'].includes(type)
      ? ''
      : heap.strings[heap.nodes[i + nameAt]].slice(0, 60);
    const key = `${type} ${name}`.trim();
    const kind = result.get(key) ?? { count: 0, bytes: 0 };
    kind.count++;
    kind.bytes += heap.nodes[i + sizeAt];
    result.set(key, kind);
  }
  return result;
}

const [beforeFile, afterFile, connectionsArg] = process.argv.slice(2);
const connections = Number(connectionsArg);
if (!beforeFile || !afterFile || !(connections > 0)) {
  process.stderr.write('usage: heap-summary before.heapsnapshot after.heapsnapshot <connections>\n');
  process.exit(2);
}
const [before, after] = [kinds(beforeFile), kinds(afterFile)];
const grown = [...after].map(([key, a]) => {
  const b = before.get(key) ?? { count: 0, bytes: 0 };
  return { key, count: (a.count - b.count) / connections, bytes: (a.bytes - b.bytes) / connections };
});
const total = grown.reduce((sum, g) => sum + g.bytes, 0);
process.stdout.write(
  [
    `heap growth per connection: ${(total / 1024).toFixed(2)} KB (self sizes)`,
    '   bytes  objects  kind',
    ...grown
      .sort((x, y) => y.bytes - x.bytes)
      .slice(0, 30)
      .map((g) => `${g.bytes.toFixed(0).padStart(8)} ${g.count.toFixed(2).padStart(8)}  ${g.key}`),
    '',
  ].join('\n'),
);
