import { RivuletError } from "@rivulet/core";

/** The dataflow file does not exist (ENOENT); `path` is the name as given. */
export class DescriptorFileNotFoundError extends RivuletError {
  constructor(
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: no such file`, options);
  }
}

/** The dataflow file exists but cannot be read (a folder, no permission); `cause` says why. */
export class DescriptorReadError extends RivuletError {
  constructor(
    readonly path: string,
    options: { cause: unknown },
  ) {
    super(`${path}: cannot read the dataflow file (${(options.cause as Error).message})`, options);
  }
}
