import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { BrokerBinaryMissingError } from "./broker-errors.js";

/**
 * Folders searched after `PATH`: Debian installs `mosquitto` and `nats-server` in /usr/sbin,
 * which a non-root user's PATH often leaves out.
 */
const SBIN_FOLDERS = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

/** A program this package runs, and the Debian package that installs it. */
export interface BinarySpec {
  /** The bare name looked up in PATH (`mosquitto`). */
  name: string;
  /** The Debian package to name when it is missing. */
  aptPackage: string;
  /** A path to use instead of searching (anything containing a `/`), or another bare name. */
  override?: string;
}

/**
 * The absolute path of an executable: `override` when it is a path, else the first match of
 * the name in `PATH` and then in the sbin folders.
 * @throws BrokerBinaryMissingError when there is none (the message names the apt package).
 */
export async function findBinary(spec: BinarySpec): Promise<string> {
  const wanted = spec.override ?? spec.name;
  if (wanted.includes("/")) {
    if (await isExecutableFile(wanted)) return wanted;
    throw new BrokerBinaryMissingError(wanted, spec.aptPackage, [wanted]);
  }
  const folders = [...new Set([...(process.env["PATH"] ?? "").split(delimiter).filter((folder) => folder !== ""), ...SBIN_FOLDERS])];
  for (const folder of folders) {
    const candidate = join(folder, wanted);
    if (await isExecutableFile(candidate)) return candidate;
  }
  throw new BrokerBinaryMissingError(wanted, spec.aptPackage, folders);
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    // Missing, not executable or unreadable: all mean "not this one", and the caller says so.
    return false;
  }
}
