import { type DescriptorErrorInit, DescriptorError } from "@rivulet/descriptor";

/**
 * Errors found after the descriptor itself is valid — the transports it names, its nodes'
 * programs — located like descriptor errors (`file`, `line`, `column`, `yamlPath`, `nodeId`)
 * so that `rivulet check` and `rivulet run` report them the same way.
 */

/**
 * A transport named in the YAML cannot be used: its kind is not installed
 * (`UnknownTransportError` as cause), or its module does not load (`TransportModuleLoadError`,
 * whose own cause is Node's error). Located where the name or the kind is written.
 */
export class TransportUnavailableError extends DescriptorError {
  constructor(
    readonly transport: string,
    readonly kind: string,
    init: DescriptorErrorInit,
    options: { cause: unknown },
  ) {
    const detail = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(detail, init, options);
  }
}

/**
 * An input asks for a queue policy its edge's transport cannot apply (`backpressure` on a
 * transport whose plugin does not declare `flowControl`). Located at the input's `queue_policy`.
 */
export class UnsupportedQueuePolicyError extends DescriptorError {
  constructor(
    readonly transport: string,
    readonly kind: string,
    readonly queuePolicy: string,
    init: DescriptorErrorInit,
  ) {
    super(`queue_policy '${queuePolicy}' needs flow control, which transport '${transport}'${kind === transport ? "" : ` (${kind})`} does not provide; use drop_oldest or another transport`, init);
  }
}

/** A transport's plugin rejects one of its options (from the plugin's `validate` hook). */
export class TransportOptionError extends DescriptorError {
  constructor(
    readonly transport: string,
    readonly kind: string,
    readonly suggestion: string | undefined,
    message: string,
    init: DescriptorErrorInit,
  ) {
    super(`${message}${suggestion ? `; did you mean '${suggestion}'?` : ""} (${kind} transport '${transport}')`, init);
  }
}

/** A built-in node's `config:` (or its inputs and outputs against it) is not what the node takes. */
export class NodeSettingsError extends DescriptorError {
  constructor(
    readonly node: string,
    readonly builtin: string,
    message: string,
    readonly suggestion: string | undefined,
    init: DescriptorErrorInit,
  ) {
    super(`${message}${suggestion ? `; did you mean '${suggestion}'?` : ""} (${builtin})`, init);
  }
}

/** A node's `.ts`/`.js` file uses ES module syntax but would load as CommonJS. */
export class NodeModuleTypeError extends DescriptorError {
  constructor(
    readonly program: string,
    detail: string,
    init: DescriptorErrorInit,
  ) {
    super(detail, init);
  }
}

/**
 * A node's file (or a local module it imports) imports something Node would not find: a package
 * not installed in a `node_modules` folder above it (`packageName` set), or a relative file that
 * does not exist (`packageName` undefined; `importer` is the file whose import fails).
 * Located at the node's `path`.
 */
export class UnresolvedImportError extends DescriptorError {
  readonly packageName: string | undefined;

  constructor(
    readonly program: string,
    readonly specifier: string,
    init: DescriptorErrorInit,
    readonly importer?: string,
    /** For a relative specifier: the loader it was resolved for (tsx for TypeScript, plain Node otherwise). */
    relativeTo?: "tsx" | "node",
    /** For a package: whether the file imports it or requires it. */
    via: "import" | "require" = "import",
  ) {
    const missing =
      relativeTo === "tsx"
        ? "no such file, nor a .ts for a .js, nor an index file in a folder of that name"
        : "no such file; Node's ES module loader needs the exact file name, extension included";
    super(
      relativeTo
        ? `${importer ?? program} imports '${specifier}', which does not exist (${missing})`
        : `${program} ${via === "require" ? "requires" : "imports"} '${specifier}', which is not installed in a node_modules folder above it (npm install ${specifier} in the dataflow's project)`,
      init,
    );
    this.packageName = relativeTo ? undefined : specifier;
  }
}

/**
 * A package a node's file loads is installed, but its package.json `exports` have no entry for
 * the way the file loads it: an `import` of a package that exports only for `require`, or a
 * `require` of one that exports only for `import`. Node refuses it (ERR_PACKAGE_PATH_NOT_EXPORTED).
 * Located at the node's `path`; `importer` is the file that loads it.
 */
export class UnloadablePackageError extends DescriptorError {
  constructor(
    readonly program: string,
    readonly packageName: string,
    readonly via: "import" | "require",
    init: DescriptorErrorInit,
    readonly importer?: string,
  ) {
    const other = via === "import" ? "require()" : "import()";
    super(`${program} ${via === "require" ? "requires" : "imports"} '${packageName}', whose package.json "exports" has no entry for ${via === "require" ? "require()" : "import"} (Node refuses it: ERR_PACKAGE_PATH_NOT_EXPORTED); load it with ${other}, or use a version of the package that exports for both`, init);
  }
}

/**
 * A node's file (or a local module it imports) does not parse. `file`, `line` and `column`
 * point inside that file; `yamlPath` and `nodeId` name the node whose `path` leads to it.
 */
export class NodeSyntaxError extends DescriptorError {
  constructor(
    readonly program: string,
    detail: string,
    init: DescriptorErrorInit & { nodeId: string },
  ) {
    super(`syntax error: ${detail}`, init);
  }
}

/** What is wrong with an operator's module file. */
export type OperatorModuleProblem = "missing" | "folder" | "extension";

/**
 * An operator's module cannot be loaded by its runtime: missing, a folder, or a file whose
 * extension is not of the language its key names (`typescript: op.js`). Located at the module
 * (`typescript:` or `javascript:`), with the node and the operator (`nodeId`, `operatorId`).
 */
export class OperatorModuleError extends DescriptorError {
  constructor(
    readonly reason: OperatorModuleProblem,
    readonly module: string,
    detail: string,
    init: DescriptorErrorInit & { nodeId: string },
  ) {
    super(detail, init);
  }
}
