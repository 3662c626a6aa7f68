/** Microseconds for a table cell: "-" for no samples, one decimal under 100. */
export const us = (x: number): string => (Number.isNaN(x) ? "-" : x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** A rate with k or M. */
export const k = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0));

/** The prefix of a goal line. */
export const mark = (ok: boolean): string => (ok ? "met:" : "**missed:**");
