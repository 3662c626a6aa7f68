import { RivuletError } from "@rivulet/core";

/** A pattern named an input the node does not have. */
export class UndeclaredInputError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly inputId: string,
    readonly declared: readonly string[],
    pattern: string,
  ) {
    super(
      `${pattern}(): node '${nodeId}' has no input '${inputId}' (declared inputs: ${declared.length > 0 ? declared.join(", ") : "none"}); add it to the node's 'inputs' in the dataflow YAML`,
    );
  }
}

/**
 * A pattern asked for an input another pattern already reads: every input has one reader (the
 * main event loop, or one pattern).
 */
export class InputClaimedError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly inputId: string,
    readonly holder: string,
    pattern: string,
  ) {
    super(`${pattern}(): input '${inputId}' of node '${nodeId}' is already read by ${holder}(); give each pattern its own input`);
  }
}

/**
 * A reply input already takes the replies of one output, and a pattern asked it to take those
 * of another: replies on one input cannot be told apart by the output they answer.
 */
export class ReplyInputRewiredError extends RivuletError {
  constructor(
    readonly nodeId: string,
    readonly inputId: string,
    pattern: string,
    was: string,
    now: string,
  ) {
    super(`${pattern}(): input '${inputId}' of node '${nodeId}' already receives the replies to ${was}; it cannot also take those of ${now}: give each its own reply input`);
  }
}
