import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { SHM_REBUILD_COMMAND } from "./shm-addon-build.js";
import { ShmAddonUnavailableError } from "./shm-errors.js";

/** The functions of the native addon (native/shm.c); arguments are checked by the callers. */
export interface ShmAddon {
  /** Creates a segment (0600, exclusive), reserves `byteLength` bytes and maps it. */
  create(name: string, byteLength: number): ArrayBuffer;
  /** Maps an existing segment whole (its size from fstat). */
  open(name: string): ArrayBuffer;
  /** Removes the name; mappings stay valid until they are dropped. */
  unlink(name: string): void;
  /** A new ArrayBuffer over one slot of a mapped segment; clears `mask` in its holder word (at `generation`) when collected. */
  viewSlot(segment: ArrayBuffer, offset: number, length: number, generation: number, mask: number, uncounted: boolean): ArrayBuffer;
}

/** Where node-gyp puts the addon, relative to this file in `src/` or `dist/`. */
export const SHM_ADDON_PATH = fileURLToPath(new URL("../build/Release/rivulet_shm.node", import.meta.url));

const require = createRequire(import.meta.url);
let loaded: ShmAddon | undefined;

/**
 * The native addon, loaded on first use so that importing this package never fails on a
 * machine where it was not built; only using shared memory does.
 *
 * @param addonPath where to load it from (tests point it elsewhere); only the default is cached.
 * @throws ShmAddonUnavailableError when the file is missing or does not load, with the command
 *   that builds it and the loader's error as `cause`. A failure is not cached: a later call
 *   retries, so a rebuild takes effect without restarting the process.
 */
export function loadShmAddon(addonPath: string = SHM_ADDON_PATH): ShmAddon {
  if (addonPath === SHM_ADDON_PATH && loaded !== undefined) return loaded;
  let addon: ShmAddon;
  try {
    addon = require(addonPath) as ShmAddon;
  } catch (cause) {
    throw new ShmAddonUnavailableError(addonPath, SHM_REBUILD_COMMAND, { cause });
  }
  if (addonPath === SHM_ADDON_PATH) loaded = addon;
  return addon;
}
