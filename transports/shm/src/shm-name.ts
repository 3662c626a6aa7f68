import { InvalidShmNameError } from "./shm-errors.js";

/**
 * Longest part of a segment name after its leading "/", in UTF-8 bytes: the name becomes a file
 * in /dev/shm, so it is a file name of at most NAME_MAX (255) bytes.
 */
export const SHM_NAME_MAX_BYTES = 255;

/**
 * Checks that `name` is a portable POSIX shared-memory name: "/", then 1 to
 * `SHM_NAME_MAX_BYTES` bytes with no other "/" and no NUL, and not "/." or "/..".
 *
 * @throws InvalidShmNameError naming the rule broken.
 */
export function assertShmName(name: string): void {
  const reason = shmNameProblem(name);
  if (reason !== undefined) throw new InvalidShmNameError(name, reason);
}

function shmNameProblem(name: string): string | undefined {
  if (typeof name !== "string") return "it is not a string";
  if (!name.startsWith("/")) return 'it must start with "/"';
  const rest = name.slice(1);
  if (rest.length === 0) return 'it needs at least one character after "/"';
  if (rest.includes("/")) return 'it may contain no "/" after the first';
  if (rest.includes("\0")) return "it may not contain a NUL character";
  if (rest === "." || rest === "..") return 'it may not be "/." or "/.."';
  const bytes = Buffer.byteLength(rest, "utf8");
  if (bytes > SHM_NAME_MAX_BYTES) return `it is ${bytes} bytes after "/", more than ${SHM_NAME_MAX_BYTES}`;
  return undefined;
}
