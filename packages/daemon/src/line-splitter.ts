/** Splits a byte stream into lines, keeping a partial last line until more arrives or `flush`. */
export class LineSplitter {
  #rest = "";

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer | string): void {
    const text = this.#rest + chunk.toString();
    const lines = text.split("\n");
    this.#rest = lines.pop()!;
    for (const line of lines) this.onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
  }

  flush(): void {
    if (this.#rest !== "") this.onLine(this.#rest);
    this.#rest = "";
  }
}
