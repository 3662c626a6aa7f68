import { type Json, type TransportOptionIssue, didYouMean } from "@rivulet/core";
import { SHM_SEGMENT_MAX_BYTES } from "./shm-segment.js";
import { SLOT_ALIGN_BYTES, SLOT_HOLDER_BYTES } from "./shm-slot.js";

/** Slots per output when `transports.<name>.slots` is not given. */
export const DEFAULT_SHM_SLOTS = 8;
/** The largest frame a slot holds when `slot_size` is not given: 8 MiB (a 1080p RGB image is 6.2 MB). */
export const DEFAULT_SHM_SLOT_SIZE = 8 * 1024 * 1024;
/** Most slots one output's ring may have. */
export const MAX_SHM_SLOTS = 1024;

/** The shared-memory transport's options, as planned. */
export interface ShmOptions {
  /** Slots in each output's ring. */
  slots: number;
  /** Bytes of one slot, holder word included, a multiple of SLOT_ALIGN_BYTES. */
  slotBytes: number;
}

const UNITS: Readonly<Record<string, number>> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3 };
const KNOWN = ["slots", "slot_size"];

/**
 * Checks `transports.<name>` of a `kind: shm` transport: `slots` (an integer from 1 to
 * MAX_SHM_SLOTS) and `slot_size` (the largest frame a slot holds: a number of bytes, or a
 * string such as "8 MiB" or "6.3MB"), their ring within the largest segment.
 */
export function validateShmOptions(options: Record<string, Json>): TransportOptionIssue[] {
  const issues: TransportOptionIssue[] = [];
  for (const key of Object.keys(options)) {
    if (KNOWN.includes(key)) continue;
    const suggestion = didYouMean(key, KNOWN);
    issues.push({ path: [key], message: `unknown option '${key}': the shm transport takes ${KNOWN.join(" and ")}`, ...(suggestion ? { suggestion } : {}) });
  }
  const { slots } = options;
  if (slots !== undefined && !(Number.isInteger(slots) && (slots as number) >= 1 && (slots as number) <= MAX_SHM_SLOTS)) {
    issues.push({ path: ["slots"], message: `slots must be an integer from 1 to ${MAX_SHM_SLOTS}, not ${JSON.stringify(slots)}` });
  }
  const size = options.slot_size === undefined ? DEFAULT_SHM_SLOT_SIZE : parseBytes(options.slot_size);
  if (size === undefined || size < 1) {
    issues.push({ path: ["slot_size"], message: `slot_size must be a positive number of bytes, or a size such as "8 MiB" or "6.3MB", not ${JSON.stringify(options.slot_size)}` });
  } else if (issues.length === 0) {
    const total = slotBytesFor(size) * ((slots as number | undefined) ?? DEFAULT_SHM_SLOTS);
    if (total > SHM_SEGMENT_MAX_BYTES) issues.push({ path: ["slot_size"], message: `slots × slot_size is ${total} bytes, more than a segment may hold (${SHM_SEGMENT_MAX_BYTES})` });
  }
  return issues;
}

/**
 * The planned ring of valid options (see validateShmOptions).
 * @throws RangeError for options that validateShmOptions refuses.
 */
export function shmOptions(options: Record<string, Json>): ShmOptions {
  const size = options.slot_size === undefined ? DEFAULT_SHM_SLOT_SIZE : parseBytes(options.slot_size);
  if (size === undefined) throw new RangeError(`invalid slot_size ${JSON.stringify(options.slot_size)}`);
  return { slots: (options.slots as number | undefined) ?? DEFAULT_SHM_SLOTS, slotBytes: slotBytesFor(size) };
}

/** A slot for frames of up to `frameBytes`: the holder word and the frame, rounded up to whole pages. */
function slotBytesFor(frameBytes: number): number {
  return Math.ceil((frameBytes + SLOT_HOLDER_BYTES) / SLOT_ALIGN_BYTES) * SLOT_ALIGN_BYTES;
}

/** A number of bytes, or a string: a number and an optional unit (B, KB, MB, GB, KiB, MiB, GiB). */
export function parseBytes(value: Json): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(value);
  if (!match) return undefined;
  const unit = UNITS[(match[2] || "B").toUpperCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.ceil(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
