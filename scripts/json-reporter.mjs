// vitest's JSON report plus what it leaves out: the run's unhandled errors (a leaked rejected
// promise, an error thrown after a test ended) and why the run ended. vitest exits 1 on an
// unhandled error but its JSON `success` stays true, so a summary built from the stock report
// alone says "0 failed". Used by vitest.config.ts in place of the built-in "json" reporter;
// the file goes where `outputFile.json` says.
import { JsonReporter } from "vitest/node";

export default class JsonReporterWithErrors extends JsonReporter {
  #unhandled = [];
  #reason = "passed";

  async onTestRunEnd(testModules, unhandledErrors = [], reason = "passed") {
    this.#unhandled = unhandledErrors;
    this.#reason = reason;
    await super.onTestRunEnd(testModules, unhandledErrors, reason);
  }

  async writeReport(text) {
    const report = JSON.parse(text);
    report.numUnhandledErrors = this.#unhandled.length;
    report.unhandledErrors = this.#unhandled.map((error) => `${error.name ?? "Error"}: ${error.message ?? String(error)}`);
    report.runEndReason = this.#reason;
    await super.writeReport(JSON.stringify(report));
  }
}
