import { createHash } from "node:crypto";
import { type FSWatcher, readFileSync, watch } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { QueuedIterator } from "@rivulet/core/internal";

/** Options of a `FileWatcher`. */
export interface FileWatcherInit {
  /** The files to watch (absolute, or relative to the working folder). */
  files: Iterable<string>;
  /** Quiet time after the last event on a file before its content is compared (default 100 ms). */
  debounceMs?: number;
}

/** How long a file's events must pause before it is read: an editor's save is several events. */
export const DEFAULT_WATCH_DEBOUNCE_MS = 100;

/**
 * Yields the absolute path of a watched file each time its content changes (`for await`).
 *
 * It watches the files' folders, not the files: an editor that saves by writing a temporary
 * file and renaming it over the original replaces the file's inode, after which a watch on the
 * file itself would hear nothing more; a folder's watch sees the rename under the file's name
 * and goes on watching whatever file has that name. Events are filtered by name, and a file's
 * events are debounced (`debounceMs` after the last one) before it is read; it is yielded only
 * when its content hash differs from the last one seen (the first is taken at construction), so
 * a touch, or a save of the same text, yields nothing. A file missing when read (between the
 * steps of a save) is skipped: the step that brings it back is an event too.
 *
 * A path changed several times before the consumer reads it is yielded once (the queue holds
 * at most one entry per file). `close()` ends the iteration after what is queued; a folder whose
 * watch fails (it was removed) ends it with that error, in band.
 */
export class FileWatcher implements AsyncIterable<string> {
  readonly #hashes = new Map<string, string | undefined>();
  readonly #pending = new Set<string>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #watchers: FSWatcher[] = [];
  readonly #changes: QueuedIterator<string>;
  readonly #debounceMs: number;

  constructor(init: FileWatcherInit) {
    this.#debounceMs = init.debounceMs ?? DEFAULT_WATCH_DEBOUNCE_MS;
    const pending = this.#pending;
    this.#changes = new QueuedIterator<string>({
      get length() {
        return pending.size;
      },
      shift: () => {
        const [first] = pending;
        if (first !== undefined) pending.delete(first);
        return first;
      },
    });
    const byFolder = new Map<string, Set<string>>();
    for (const file of init.files) {
      const path = resolve(file);
      this.#hashes.set(path, hashOf(path));
      const names = byFolder.get(dirname(path)) ?? new Set<string>();
      names.add(basename(path));
      byFolder.set(dirname(path), names);
    }
    for (const [folder, names] of byFolder) {
      const watcher = watch(folder, { persistent: false }, (_event, name) => {
        // Some platforms report no name: every watched file of the folder is then a candidate.
        for (const candidate of name === null ? names : names.has(String(name)) ? [String(name)] : []) this.#schedule(resolve(folder, candidate));
      });
      watcher.on("error", (error) => this.#fail(error));
      this.#watchers.push(watcher);
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<string> {
    return this.#changes;
  }

  /** Stops watching; the iteration ends after the paths already queued. Idempotent. */
  close(): void {
    this.#unwatch();
    this.#changes.end();
  }

  #unwatch(): void {
    for (const watcher of this.#watchers.splice(0)) watcher.close();
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  #schedule(path: string): void {
    clearTimeout(this.#timers.get(path));
    this.#timers.set(
      path,
      setTimeout(() => {
        this.#timers.delete(path);
        this.#compare(path);
      }, this.#debounceMs),
    );
  }

  #compare(path: string): void {
    const hash = hashOf(path);
    if (hash === undefined || hash === this.#hashes.get(path)) return;
    this.#hashes.set(path, hash);
    this.#pending.add(path);
    this.#changes.notify();
  }

  #fail(error: Error): void {
    this.#unwatch();
    this.#changes.fail(error);
  }
}

/** SHA-256 of the file's bytes; undefined when it cannot be read (missing mid-save). */
function hashOf(path: string): string | undefined {
  try {
    return createHash("sha256").update(readFileSync(path)).digest("hex");
  } catch {
    return undefined; // Not there right now: its reappearance is another event, read then.
  }
}
