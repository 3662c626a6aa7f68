// Frame parameters as JSON (what frames carry) against a minimal binary encoding (u8 count; per
// key: u8 length, key, u8 tag, value): encode + decode of typical parameters, best of several
// rounds. Part of `npm run bench:codec` (bench/CODEC.md, "Parameters"): the frame format keeps
// JSON unless binary is measurably faster (1.5x).
type Flat = Record<string, number | boolean | string>;

const PARAMS: Flat = { frame: 7, camera: "front", ok: true };
const decoder = new TextDecoder();

const json = (p: Flat): Flat => JSON.parse(decoder.decode(Buffer.from(JSON.stringify(p)))) as Flat;

function binary(p: Flat): Flat {
  const out = Buffer.allocUnsafe(256);
  let at = 1;
  let count = 0;
  for (const key in p) {
    count++;
    const length = out.write(key, at + 1);
    out[at] = length;
    at += 1 + length;
    const value = p[key];
    if (typeof value === "number") (out[at++] = 1), out.writeDoubleLE(value, at), (at += 8);
    else if (typeof value === "boolean") (out[at++] = 2), (out[at++] = value ? 1 : 0);
    else {
      out[at++] = 3;
      const bytes = out.write(value!, at + 2);
      out.writeUInt16LE(bytes, at);
      at += 2 + bytes;
    }
  }
  out[0] = count;
  const back: Flat = {};
  for (let i = 0, r = 1; i < count; i++) {
    const length = out[r++]!;
    const key = out.toString("utf8", r, r + length);
    r += length;
    const tag = out[r++];
    if (tag === 1) (back[key] = out.readDoubleLE(r)), (r += 8);
    else if (tag === 2) back[key] = out[r++] === 1;
    else {
      const bytes = out.readUInt16LE(r);
      back[key] = out.toString("utf8", r + 2, r + 2 + bytes);
      r += 2 + bytes;
    }
  }
  return back;
}

/** Fastest round of `run`, microseconds per call. */
function round(run: (p: Flat) => Flat): number {
  const n = 50_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) run(PARAMS);
  return Number(process.hrtime.bigint() - start) / n / 1000;
}

/** Encode + decode of the same parameters both ways, microseconds (fastest round). */
export interface ParamsCost {
  parameters: string;
  jsonUs: number;
  binaryUs: number;
}

export function paramsCost(options: { quick: boolean }): ParamsCost {
  if (JSON.stringify(binary(PARAMS)) !== JSON.stringify(PARAMS)) throw new Error("the binary parameter encoding does not round-trip");
  // Interleaved (JSON, binary, binary, JSON) so that drift in the machine's load favours neither.
  let jsonUs = Infinity;
  let binaryUs = Infinity;
  for (let r = 0; r < (options.quick ? 4 : 20); r++) {
    for (const which of r % 2 === 0 ? ["json", "binary"] : ["binary", "json"]) {
      if (which === "json") jsonUs = Math.min(jsonUs, round(json));
      else binaryUs = Math.min(binaryUs, round(binary));
    }
  }
  return { parameters: JSON.stringify(PARAMS), jsonUs, binaryUs };
}

export function paramsMarkdown(cost: ParamsCost): string {
  const ratio = cost.jsonUs / cost.binaryUs;
  return [
    "## Parameters: JSON or binary",
    "",
    `Frame parameters ${"`"}${cost.parameters}${"`"}, encode + decode: JSON (what frames carry) ${cost.jsonUs.toFixed(2)} us, a minimal binary encoding ${cost.binaryUs.toFixed(2)} us`,
    `(JSON / binary = ${ratio.toFixed(2)}). ${ratio >= 1.5 ? "Binary is measurably faster: the frame format should adopt it." : "Not 1.5x apart: the frame format keeps JSON, and the typed fields patterns need (request id, goal id, stream position, trace) are binary fields of the header instead."}`,
    "",
  ].join("\n");
}
