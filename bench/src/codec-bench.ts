import { mkdirSync, writeFileSync } from "node:fs";
import { type ParamsCost, paramsCost, paramsMarkdown } from "./params-bench.js";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Table, type Vector, tableFromIPC, tableToIPC, vectorFromArray } from "apache-arrow";
import { type EncodedPayload, TypeTable, ValueEncoder, decodeValue, encodeValue } from "@rivulet/core/internal";

const BENCH = fileURLToPath(new URL("../", import.meta.url));

/** One codec measured on one value: microseconds per message (median over rounds). */
export interface CodecRow {
  type: string;
  rows: number;
  codec: "rivulet" | "rivulet-by-id" | "arrow-ipc" | "json";
  encodeUs: number;
  decodeUs: number;
  totalUs: number;
  bytes: number;
}

/** What `npm run bench:codec` writes to codec.json. */
export interface CodecResults {
  date: string;
  quick: boolean;
  node: string;
  cpus: number;
  loadAverage: number[];
  rows: CodecRow[];
  goals: { goal: string; measured: string; met: boolean }[];
  /** Frame parameters as JSON against a binary encoding; absent in older results. */
  params?: ParamsCost;
}

interface Codec {
  encode(value: unknown): unknown;
  /** Bytes as a receiver gets them: one contiguous buffer. */
  bytes(encoded: unknown): Uint8Array;
  decode(encoded: unknown, bytes: Uint8Array): unknown;
}

function contiguous(payload: EncodedPayload): Uint8Array {
  if (payload.chunks.length === 1) return payload.chunks[0]!;
  const out = new Uint8Array(payload.byteLength);
  let at = 0;
  for (const chunk of payload.chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** Rivulet with type ids: an output's encoder, and a receiver's table that got each definition once. */
function byIdCodec(): Codec {
  const encoder = new ValueEncoder({ typeIds: true });
  const table = new TypeTable();
  const byId = (id: number) => table.typeOf(id);
  return {
    encode: (value) => encoder.encode(value as never),
    bytes: (encoded) => {
      const definition = (encoded as EncodedPayload).typeDefinition;
      if (definition) table.define(definition.definition);
      return contiguous(encoded as EncodedPayload);
    },
    decode: (encoded, bytes) => decodeValue((encoded as EncodedPayload).encoding, bytes, { byId }),
  };
}

const CODECS: Record<CodecRow["codec"], Codec> = {
  // The payload goes out as chunks (the transport writes them); the receiver decodes one buffer.
  rivulet: {
    encode: (value) => encodeValue(value as never),
    bytes: (encoded) => contiguous(encoded as EncodedPayload),
    decode: (encoded, bytes) => decodeValue((encoded as EncodedPayload).encoding, bytes),
  },
  // As an output sends to transports with preludes: the type as an id, its definition received once.
  "rivulet-by-id": byIdCodec(),
  // What a node would do with apache-arrow alone: build a vector from the plain value, one IPC stream per message.
  "arrow-ipc": {
    encode: (value) => tableToIPC(new Table({ value: vectorFromArray(Array.isArray(value) ? value : [value]) as Vector }), "stream"),
    bytes: (encoded) => encoded as Uint8Array,
    decode: (_, bytes) => tableFromIPC(bytes).getChildAt(0),
  },
  // UTF-8 conversion included: a wire carries bytes, not strings.
  json: {
    encode: (value) => Buffer.from(JSON.stringify(value)),
    bytes: (encoded) => encoded as Uint8Array,
    decode: (_, bytes) => JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8")) as unknown,
  },
};

function values(rows: number): Record<string, unknown> {
  const range = Array.from({ length: rows }, (_, i) => i);
  const one = rows === 1;
  return {
    number: one ? 21.5 : range.map((i) => i * 0.5),
    string: one ? "dev-1" : range.map((i) => `dev-${i}`),
    boolean: one ? true : range.map((i) => i % 3 === 0),
    "struct of 5": one ? { id: "dev-1", t: 21.5, ok: true, n: 3, tag: "a" } : range.map((i) => ({ id: `dev-${i}`, t: 20 + i / 8, ok: i % 2 === 0, n: i, tag: "abc"[i % 3] })),
    "list of 4 numbers": one ? [[1.5, 2.5, 3.5, 4.5]] : range.map((i) => [i, i + 0.5, i + 1, i + 1.5]),
  };
}

function nowMicros(): number {
  return Number(process.hrtime.bigint()) / 1e3;
}

/**
 * Microseconds per call of `fn`: the fastest of `rounds` short rounds of about `roundMs`. The
 * 2-core machine this runs on is shared; a round that another process preempted is slower, never
 * faster, so the fastest round is the cost of the code itself. (CPU-time clocks tick too
 * coarsely, and count the JIT and GC threads too.)
 */
function measure(fn: () => void, rounds: number, roundMs: number): number {
  let batch = 1;
  for (;;) {
    const start = nowMicros();
    for (let i = 0; i < batch; i++) fn();
    if (nowMicros() - start >= roundMs * 1000) break;
    batch *= 2;
  }
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const start = nowMicros();
    for (let i = 0; i < batch; i++) fn();
    best = Math.min(best, (nowMicros() - start) / batch);
  }
  return best;
}

function measureCodec(name: CodecRow["codec"], type: string, rows: number, value: unknown, rounds: number, roundMs: number): CodecRow {
  const codec = CODECS[name];
  const encoded = codec.encode(value);
  const bytes = codec.bytes(encoded);
  let sink: unknown;
  // Warm up until the JIT has compiled both paths: the first thousands of calls run unoptimized.
  const warmUntil = nowMicros() + roundMs * 20_000;
  while (nowMicros() < warmUntil) for (let i = 0; i < 100; i++) sink = codec.decode(codec.encode(value), bytes);
  const encodeUs = measure(() => (sink = codec.encode(value)), rounds, roundMs);
  const decodeUs = measure(() => (sink = codec.decode(encoded, bytes)), rounds, roundMs);
  void sink;
  return { type, rows, codec: name, encodeUs, decodeUs, totalUs: encodeUs + decodeUs, bytes: bytes.byteLength };
}

function goalsOf(rows: CodecRow[]): CodecResults["goals"] {
  const find = (type: string, n: number, codec: CodecRow["codec"]): CodecRow => rows.find((r) => r.type === type && r.rows === n && r.codec === codec)!;
  const types = [...new Set(rows.map((r) => r.type))];
  const worstOne = Math.max(...types.filter((t) => t !== "struct of 5").map((t) => find(t, 1, "rivulet").totalUs));
  const struct = find("struct of 5", 1, "rivulet").totalUs;
  const speedup = find("struct of 5", 1, "arrow-ipc").totalUs / struct;
  const slowest = Math.max(...types.map((t) => find(t, 1000, "rivulet").totalUs / find(t, 1000, "arrow-ipc").totalUs));
  return [
    { goal: "1-row value of any supported type, encode + decode <= 5 us", measured: `${worstOne.toFixed(2)} us (slowest type)`, met: worstOne <= 5 },
    { goal: "1-row 5-field struct, encode + decode <= 8 us", measured: `${struct.toFixed(2)} us`, met: struct <= 8 },
    { goal: ">= 10x faster than tableToIPC/tableFromIPC, 1-row struct", measured: `${speedup.toFixed(1)}x`, met: speedup >= 10 },
    { goal: "never slower than tableToIPC/tableFromIPC at 1,000 rows", measured: `${slowest.toFixed(2)}x its time at worst`, met: slowest <= 1 },
  ];
}

/** The markdown section: one table of every row, then the goals. */
export function codecMarkdown(results: CodecResults): string {
  const lines = [
    "## Codec cost per message",
    "",
    `Encode and decode of one message, microseconds (fastest of many short rounds: the machine is shared, and preemption only ever adds time), ${results.date}, Node ${results.node}, ${results.cpus} CPUs, load average ${results.loadAverage.map((l) => l.toFixed(1)).join(" ")}${results.quick ? " (quick run: few rounds)" : ""}.`,
    "Rivulet encodes plain values with `encodeValue` and decodes with `decodeValue`; `rivulet-by-id` (1-row values) is an output's `ValueEncoder` with type ids, the type sent once per subscriber as a TYPE_DEFINITION and looked up by id on decode; Arrow IPC is `vectorFromArray` + `tableToIPC` and `tableFromIPC`; JSON is `JSON.stringify` + UTF-8 and back. Decoding stops at the vector (Arrow) or the parsed value (JSON).",
    "",
    "| value | rows | codec | encode us | decode us | total us | bytes |",
    "|---|---:|---|---:|---:|---:|---:|",
    ...results.rows.map((r) => `| ${r.type} | ${r.rows} | ${r.codec} | ${r.encodeUs.toFixed(2)} | ${r.decodeUs.toFixed(2)} | ${r.totalUs.toFixed(2)} | ${r.bytes} |`),
    "",
    "| goal | measured | met |",
    "|---|---|---|",
    ...results.goals.map((g) => `| ${g.goal} | ${g.measured} | ${g.met ? "yes" : "no"} |`),
    "",
  ];
  if (results.params) lines.push(paramsMarkdown(results.params));
  return lines.join("\n");
}

/**
 * Measures every codec on every value, interleaving the codecs (Rivulet, IPC, JSON, then the
 * reverse) so that drift in the machine's load does not favour one.
 */
export function runCodecBench(options: { quick: boolean }): CodecResults {
  const rounds = options.quick ? 10 : 40;
  const roundMs = options.quick ? 2 : 5;
  const rows: CodecRow[] = [];
  const order: CodecRow["codec"][] = ["rivulet", "arrow-ipc", "json"];
  for (const count of [1, 1000]) {
    for (const [type, value] of Object.entries(values(count))) {
      const codecs: CodecRow["codec"][] = count === 1 ? ["rivulet", "rivulet-by-id", ...order.slice(1)] : order;
      const halves = [codecs, [...codecs].reverse()].map((list) => list.map((codec) => measureCodec(codec, type, count, value, Math.ceil(rounds / 2), roundMs)));
      for (const codec of codecs) {
        const [a, b] = halves.map((half) => half.find((r) => r.codec === codec)!);
        rows.push({ ...a!, encodeUs: (a!.encodeUs + b!.encodeUs) / 2, decodeUs: (a!.decodeUs + b!.decodeUs) / 2, totalUs: (a!.totalUs + b!.totalUs) / 2 });
      }
    }
  }
  return { date: new Date().toISOString(), quick: options.quick, node: process.versions.node, cpus: cpus().length, loadAverage: loadavg(), rows, goals: goalsOf(rows), params: paramsCost(options) };
}

/** `npm run bench:codec [-- --quick] [--out DIR]`: writes DIR/codec.json and CODEC.md (bench/ by default). */
function main(argv: string[]): void {
  const quick = argv.includes("--quick");
  const outIndex = argv.indexOf("--out");
  const outDir = outIndex >= 0 ? argv[outIndex + 1]! : join(BENCH, "results");
  const reportFile = outIndex >= 0 ? join(outDir, "CODEC.md") : join(BENCH, "CODEC.md");
  mkdirSync(outDir, { recursive: true });
  const results = runCodecBench({ quick });
  writeFileSync(join(outDir, "codec.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(reportFile, `${codecMarkdown(results)}`);
  process.stdout.write(codecMarkdown(results));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
