import fc from "fast-check";

/** Random column shapes and values of every kind inference covers, for the codec's property tests. */

/** A column shape: what the generated values are, and so which Arrow type inference gives. */
export type Shape =
  | { kind: "number" | "bigint" | "string" | "boolean" | "date" | "binary" }
  | { kind: "list"; item: Shape }
  | { kind: "struct"; fields: [string, Shape][] };

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
const key = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/), fc.constantFrom("ünï code", "a b", "$x"));

export const shapeArb: fc.Arbitrary<Shape> = fc.letrec<{ shape: Shape }>((tie) => ({
  shape: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom<Shape>({ kind: "number" }, { kind: "bigint" }, { kind: "string" }, { kind: "boolean" }, { kind: "date" }, { kind: "binary" }),
    fc.record({ kind: fc.constant("list" as const), item: tie("shape") }),
    fc.record({ kind: fc.constant("struct" as const), fields: fc.uniqueArray(fc.tuple(key, tie("shape")), { maxLength: 4, selector: ([name]) => name }) }),
  ),
})).shape;

export function valueOf(shape: Shape): fc.Arbitrary<unknown> {
  const nullable = (arb: fc.Arbitrary<unknown>) => fc.oneof({ weight: 5, arbitrary: arb }, { weight: 1, arbitrary: fc.constantFrom(null, undefined) });
  switch (shape.kind) {
    case "number":
      return nullable(fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE)));
    case "bigint":
      return nullable(fc.oneof(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), fc.constantFrom(INT64_MIN, INT64_MAX, 0n, -1n)));
    case "string":
      return nullable(fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.constant("")));
    case "boolean":
      return nullable(fc.boolean());
    case "date":
      return nullable(fc.date({ noInvalidDate: true }));
    case "binary":
      return nullable(fc.uint8Array({ maxLength: 12 }));
    case "list":
      return nullable(fc.array(valueOf(shape.item), { maxLength: 5 }));
    case "struct": {
      const record = Object.fromEntries(shape.fields.map(([name, field]) => [name, valueOf(field)]));
      return nullable(fc.record(record, { requiredKeys: [] }));
    }
  }
}
