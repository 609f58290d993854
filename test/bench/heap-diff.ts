// Compares two V8 .heapsnapshot files (early and late in a soak, see soak.bench.ts): object
// counts and self sizes by constructor name, sorted by growth in self size, then, for the
// top growers, who holds them (the most common retainer edges: holder's name and edge name).
// Usage: node --import tsx test/bench/heap-diff.ts EARLY.heapsnapshot LATE.heapsnapshot [TOP]
import { readFile } from 'node:fs/promises';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

interface Parsed {
  /** Per constructor (or node type for non-objects): count and self size. */
  byName: Map<string, { count: number; size: number }>;
  nameOf: (node: number) => string;
  raw: Snapshot;
  nodeFieldCount: number;
  edgeFieldCount: number;
  firstEdge: Int32Array;
}

async function parse(file: string): Promise<Parsed> {
  const raw = JSON.parse(await readFile(file, 'utf8')) as Snapshot;
  const { node_fields, node_types, edge_fields } = raw.snapshot.meta;
  const nf = node_fields.length;
  const typeAt = node_fields.indexOf('type');
  const nameAt = node_fields.indexOf('name');
  const sizeAt = node_fields.indexOf('self_size');
  const edgeCountAt = node_fields.indexOf('edge_count');
  const types = node_types[0];
  const nodeCount = raw.nodes.length / nf;
  const firstEdge = new Int32Array(nodeCount + 1);
  for (let i = 0, e = 0; i < nodeCount; i += 1) {
    firstEdge[i] = e;
    e += raw.nodes[i * nf + edgeCountAt]! * edge_fields.length;
    firstEdge[i + 1] = e;
  }
  // Objects by constructor; strings, code, arrays and the like by their type.
  const nameOf = (node: number) => {
    const type = types[raw.nodes[node * nf + typeAt]!]!;
    const name = raw.strings[raw.nodes[node * nf + nameAt]!]!;
    return type === 'object' || type === 'closure' || type === 'native'
      ? `${name}${type === 'closure' ? ' (closure)' : ''}`
      : `(${type})`;
  };
  const byName = new Map<string, { count: number; size: number }>();
  for (let i = 0; i < nodeCount; i += 1) {
    const key = nameOf(i);
    const entry = byName.get(key) ?? { count: 0, size: 0 };
    entry.count += 1;
    entry.size += raw.nodes[i * nf + sizeAt]!;
    byName.set(key, entry);
  }
  return { byName, nameOf, raw, nodeFieldCount: nf, edgeFieldCount: edge_fields.length, firstEdge };
}

/** The commonest "holder.edge" pairs pointing at objects named `name`, skipping weak edges. */
function retainers(snap: Parsed, name: string, top = 5): [string, number][] {
  const { raw, nodeFieldCount: nf, edgeFieldCount: ef, firstEdge } = snap;
  const edgeTypes = raw.snapshot.meta as unknown as { edge_types: [string[]] };
  const typeAt = raw.snapshot.meta.edge_fields.indexOf('type');
  const nameAt = raw.snapshot.meta.edge_fields.indexOf('name_or_index');
  const toAt = raw.snapshot.meta.edge_fields.indexOf('to_node');
  const tally = new Map<string, number>();
  const nodeCount = raw.nodes.length / nf;
  for (let from = 0; from < nodeCount; from += 1) {
    for (let e = firstEdge[from]!; e < firstEdge[from + 1]!; e += ef) {
      const to = raw.edges[e + toAt]! / nf;
      if (snap.nameOf(to) !== name) continue;
      const type = edgeTypes.edge_types[0][raw.edges[e + typeAt]!]!;
      if (type === 'weak') continue;
      const edge =
        type === 'element' || type === 'hidden'
          ? `[${type}]`
          : String(raw.strings[raw.edges[e + nameAt]!]);
      const key = `${snap.nameOf(from)}.${edge}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
  }
  return [...tally].sort((a, b) => b[1] - a[1]).slice(0, top);
}

const [earlyFile, lateFile, topArg] = process.argv.slice(2);
if (!earlyFile || !lateFile) {
  console.error('usage: heap-diff.ts EARLY.heapsnapshot LATE.heapsnapshot [TOP]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const early = await parse(earlyFile);
const late = await parse(lateFile);
const names = new Set([...early.byName.keys(), ...late.byName.keys()]);
const rows = [...names].map((name) => {
  const a = early.byName.get(name) ?? { count: 0, size: 0 };
  const b = late.byName.get(name) ?? { count: 0, size: 0 };
  return { name, count: [a.count, b.count], size: [a.size, b.size], growth: b.size - a.size };
});
rows.sort((x, y) => y.growth - x.growth);
const total = (p: Parsed) => [...p.byName.values()].reduce((s, v) => s + v.size, 0);
console.log(
  `self size in all: ${(total(early) / 1024 / 1024).toFixed(1)} MiB -> ${(total(late) / 1024 / 1024).toFixed(1)} MiB`,
);
console.log(
  ['+KiB', 'KiB early', 'KiB late', 'n early', 'n late', '  name']
    .map((h) => h.padStart(14))
    .join(''),
);
for (const row of rows.slice(0, top)) {
  console.log(
    [
      (row.growth / 1024).toFixed(1),
      (row.size[0]! / 1024).toFixed(1),
      (row.size[1]! / 1024).toFixed(1),
      row.count[0],
      row.count[1],
    ]
      .map((v) => String(v).padStart(14))
      .join('') + `  ${row.name.slice(0, 80)}`,
  );
}
console.log('\nwho holds the top growers (late snapshot; holder.edge × count):');
for (const row of rows.slice(0, Math.min(top, 15))) {
  console.log(`${row.name.slice(0, 80)}:`);
  for (const [key, n] of retainers(late, row.name)) console.log(`    ${n} × ${key.slice(0, 120)}`);
}
