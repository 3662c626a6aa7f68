import type { InputEvent, SendableValue } from "@rivulet/core";
import { runNode } from "@rivulet/node/testing";
import { Type, type Vector } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { encodePayload } from "../src/payload-encoder.js";
import { PayloadDecoder } from "../src/payload-decoder.js";
import { schemaType } from "../src/payload-schema.js";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const vector = (decoded: ReturnType<PayloadDecoder["decode"]>): Vector => {
  if (!("value" in decoded)) throw new Error(`malformed: ${decoded.malformed} ${decoded.detail}`);
  return decoded.value as Vector;
};

describe("schemaType", () => {
  it("maps type names, mappings and [type] to Arrow types", () => {
    const type = schemaType({ device: "utf8", celsius: "float64", count: "uint16", at: "timestamp_ms", tags: ["utf8"], pos: { x: "float32", ok: "bool" } });
    expect(type.typeId).toBe(Type.Struct);
    expect(String(type)).toBe("Struct<{device:Utf8, celsius:Float64, count:Uint16, at:Timestamp<MILLISECOND>, tags:List<Utf8>, pos:Struct<{x:Float32, ok:Bool}>}>");
    expect(() => schemaType("float65")).toThrow(RangeError);
  });
});

describe("PayloadDecoder", () => {
  it("json without schema: the parsed value, for sendOutput to infer", () => {
    const decoder = new PayloadDecoder("json");
    expect(decoder.decode(bytes('{"celsius": 21.5}'))).toEqual({ value: { celsius: 21.5 } });
    expect(decoder.decode(bytes("[1, 2, 3]"))).toEqual({ value: [1, 2, 3] });
    expect(decoder.decode(bytes("{celsius: 21"))).toMatchObject({ malformed: "not-json" });
    expect(decoder.decode(new Uint8Array([0xff, 0xfe]))).toMatchObject({ malformed: "not-json" });
  });

  it("json with a schema: stable types, missing fields null, extra fields ignored", () => {
    const decoder = new PayloadDecoder("json", schemaType({ device: "utf8", celsius: "float64", count: "int32" }));
    const value = vector(decoder.decode(bytes('{"device": "d1", "celsius": 21, "extra": true}')));
    expect(String(value.type)).toBe("Struct<{device:Utf8, celsius:Float64, count:Int32}>");
    expect(value.toArray().map((row: { toJSON(): unknown }) => row.toJSON())).toEqual([{ device: "d1", celsius: 21, count: null }]);
  });

  it("json with a schema: a null payload is no rows, of the schema's type", () => {
    const value = vector(new PayloadDecoder("json", schemaType({ device: "utf8", celsius: "float64" })).decode(bytes("null")));
    expect(value.length).toBe(0);
    expect(String(value.type)).toBe("Struct<{device:Utf8, celsius:Float64}>");
  });

  it("json with a schema: a top-level array is rows, unless the schema is a list", () => {
    const rows = vector(new PayloadDecoder("json", schemaType("float64")).decode(bytes("[1, 2.5, null]")));
    expect(rows.length).toBe(3);
    expect(rows.get(2)).toBeNull();
    const list = vector(new PayloadDecoder("json", schemaType(["float64"])).decode(bytes("[1, 2.5]")));
    expect(list.length).toBe(1);
    expect([...list.get(0)!]).toEqual([1, 2.5]);
  });

  it("json with a schema: timestamps as epoch ms or ISO text", () => {
    const decoder = new PayloadDecoder("json", schemaType({ at: "timestamp_ms" }));
    const value = vector(decoder.decode(bytes('[{"at": 1700000000000}, {"at": "2023-11-14T22:13:20.000Z"}]')));
    expect(value.length).toBe(2);
    expect(Number(value.getChild("at")!.get(0))).toBe(1_700_000_000_000);
    expect(Number(value.getChild("at")!.get(1))).toBe(1_700_000_000_000);
  });

  it("json with a schema: a value of the wrong type does not fit", () => {
    const decoder = new PayloadDecoder("json", schemaType({ device: "utf8", celsius: "float64", count: "uint8" }));
    expect(decoder.decode(bytes('{"device": "d1", "celsius": "hot"}'))).toMatchObject({ malformed: "schema-misfit" });
    expect(decoder.decode(bytes('{"device": 7, "celsius": 1}'))).toMatchObject({ malformed: "schema-misfit" });
    expect(decoder.decode(bytes('{"count": 300}'))).toMatchObject({ malformed: "schema-misfit" });
    expect(decoder.decode(bytes("42"))).toMatchObject({ malformed: "schema-misfit" });
  });

  it("text: UTF-8 strings; invalid UTF-8 is malformed", () => {
    expect(new PayloadDecoder("text").decode(bytes("héllo"))).toEqual({ value: "héllo" });
    expect(new PayloadDecoder("text").decode(new Uint8Array([0xc3, 0x28]))).toMatchObject({ malformed: "not-utf8" });
  });

  it("bytes: the payload as it came", () => {
    const payload = new Uint8Array([0, 255, 7]);
    expect(new PayloadDecoder("bytes").decode(payload)).toEqual({ value: payload });
  });
});

/** Real input events, as a node receives them, for each value. */
async function eventsOf(...values: SendableValue[]): Promise<InputEvent[]> {
  const events: InputEvent[] = [];
  await runNode(
    async (node) => {
      for await (const event of node) {
        if (event.type !== "INPUT") continue;
        event.retain();
        events.push(event);
      }
    },
    { events: values.map((value) => ({ id: "in", value })) },
  );
  return events;
}

const text = (encoded: ReturnType<typeof encodePayload>): string => {
  if (!("payload" in encoded)) throw new Error(encoded.unencodable);
  return encoded.payload.toString("utf8");
};

describe("encodePayload", () => {
  it("json: one row as its value, several as an array, none as null; bigints as numbers when safe", async () => {
    const [one, several, none, big] = await eventsOf({ device: "d1", level: 3 }, [1, 2, 3], null, [5n, 2n ** 62n]);
    expect(JSON.parse(text(encodePayload("json", one!)))).toEqual({ device: "d1", level: 3 });
    expect(text(encodePayload("json", several!))).toBe("[1,2,3]");
    expect(text(encodePayload("json", none!))).toBe("null");
    expect(text(encodePayload("json", big!))).toBe(`[5,"${2n ** 62n}"]`);
  });

  it("text: strings, several joined by a newline; other values are unencodable", async () => {
    const [one, several, number] = await eventsOf("alert!", ["a", "b"], 5);
    expect(text(encodePayload("text", one!))).toBe("alert!");
    expect(text(encodePayload("text", several!))).toBe("a\nb");
    expect(encodePayload("text", number!)).toMatchObject({ unencodable: expect.stringMatching(/strings/) });
  });

  it("bytes: the message's bytes, a copy", async () => {
    const [raw] = await eventsOf(new Uint8Array([1, 2, 3]));
    const encoded = encodePayload("bytes", raw!);
    expect("payload" in encoded && [...encoded.payload]).toEqual([1, 2, 3]);
  });
});
