// Compares two V8 .heapsnapshot files (early and late in a soak, see soak.bench.ts): object
// counts and self sizes by constructor name, sorted by growth in self size, then, for the
// top growers, who holds them (the commonest chains of holders, edge names included).
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
  const edgeTypes = (raw.snapshot.meta as unknown as { edge_types: [string[]] }).edge_types[0];
  const edgeTypeAt = edge_fields.indexOf('type');
  const edgeNameAt = edge_fields.indexOf('name_or_index');
  const edgeToAt = edge_fields.indexOf('to_node');
  // Objects by constructor and their first property names (a plain `{}` says little
  // otherwise), with how many unnamed numbers they hold (in-object doubles have no name);
  // strings, code, arrays and the like by their type.
  const nameOf = (node: number) => {
    const type = types[raw.nodes[node * nf + typeAt]!]!;
    const name = raw.strings[raw.nodes[node * nf + nameAt]!]!;
    if (type === 'closure') return `${name} (closure)`;
    if (type === 'native') return name;
    if (type !== 'object') return `(${type})`;
    const props: string[] = [];
    let numbers = 0;
    for (let e = firstEdge[node]!; e < firstEdge[node + 1]!; e += edge_fields.length) {
      const edgeType = edgeTypes[raw.edges[e + edgeTypeAt]!];
      const to = raw.edges[e + edgeToAt]! / nf;
      if (edgeType === 'property') {
        const prop = raw.strings[raw.edges[e + edgeNameAt]!]!;
        if (prop !== '__proto__' && props.length < 6) props.push(prop);
      } else if (edgeType === 'hidden' && types[raw.nodes[to * nf + typeAt]!] === 'number') {
        numbers += 1;
      }
    }
    return `${name}{${props.join(',')}}${numbers ? ` +${numbers} numbers` : ''}`;
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

/** Strong edges backwards: who holds each node, and under which edge name. */
function holdersOf(snap: Parsed): Map<number, [number, string][]> {
  const { raw, nodeFieldCount: nf, edgeFieldCount: ef, firstEdge } = snap;
  const meta = raw.snapshot.meta as unknown as { edge_types: [string[]]; edge_fields: string[] };
  const typeAt = meta.edge_fields.indexOf('type');
  const nameAt = meta.edge_fields.indexOf('name_or_index');
  const toAt = meta.edge_fields.indexOf('to_node');
  const holders = new Map<number, [number, string][]>();
  for (let from = 0; from < firstEdge.length - 1; from += 1) {
    for (let e = firstEdge[from]!; e < firstEdge[from + 1]!; e += ef) {
      const type = meta.edge_types[0][raw.edges[e + typeAt]!]!;
      if (type === 'weak') continue;
      const edge = ['element', 'hidden', 'internal'].includes(type)
        ? `[${type}]`
        : String(raw.strings[raw.edges[e + nameAt]!]);
      const to = raw.edges[e + toAt]! / nf;
      const list = holders.get(to) ?? [];
      list.push([from, edge]);
      holders.set(to, list);
    }
  }
  return holders;
}

/** The commonest chains of holders (up to `depth` steps) of the nodes named `name`. */
function retainerChains(
  snap: Parsed,
  holders: Map<number, [number, string][]>,
  name: string,
  depth = 6,
  top = 3,
): [string, number][] {
  const tally = new Map<string, number>();
  const nodeCount = snap.firstEdge.length - 1;
  for (let node = 0; node < nodeCount; node += 1) {
    if (snap.nameOf(node) !== name) continue;
    const chain: string[] = [];
    const seen = new Set([node]);
    for (let at = node; chain.length < depth;) {
      const next = (holders.get(at) ?? []).find(([from]) => !seen.has(from));
      if (!next) break;
      seen.add(next[0]);
      chain.push(`${snap.nameOf(next[0]).slice(0, 40)}.${next[1]}`);
      at = next[0];
    }
    const key = chain.join(' <- ');
    tally.set(key, (tally.get(key) ?? 0) + 1);
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
console.log('\nwho holds the top growers (late snapshot; count × chain of holder.edge):');
const holders = holdersOf(late);
for (const row of rows.slice(0, Math.min(top, 12))) {
  console.log(`${row.name.slice(0, 80)}:`);
  for (const [chain, n] of retainerChains(late, holders, row.name)) {
    console.log(`    ${n} × ${chain}`);
  }
}
