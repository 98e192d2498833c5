/**
 * Saves the emulator's state file after changes: `schedule()` after each mutation (an API request
 * other than GET, an operation that finishes), coalesced over `delayMs` so a burst costs one write;
 * `flush()` on stop; `flushSync()` from the exit hooks (Ctrl-C, process.exit). A write is skipped
 * when the content has not changed. Writes are atomic (temp + rename), one at a time.
 */
import { writeFileAtomic, writeFileAtomicSync } from "./atomic-write.js";

export class StateWriter {
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #lastWritten: string | undefined;

  constructor(
    private readonly path: string,
    private readonly snapshot: () => unknown,
    private readonly log: (message: string) => void,
    private readonly delayMs = 25,
  ) {}

  schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.delayMs);
    this.#timer.unref();
  }

  /** Writes now (after any write in progress) if the state changed since the last write. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#writing = this.#writing.then(async () => {
      const text = this.#text();
      if (text === this.#lastWritten) return;
      try {
        await writeFileAtomic(this.path, text, 0o600);
        this.#lastWritten = text;
      } catch (error) {
        this.log(`could not save the emulator state to ${this.path}: ${String(error)}`);
      }
    });
    return this.#writing;
  }

  /** The last save, synchronously (exit hooks run no promises). */
  flushSync(): void {
    clearTimeout(this.#timer);
    const text = this.#text();
    if (text === this.#lastWritten) return;
    writeFileAtomicSync(this.path, text, 0o600);
    this.#lastWritten = text;
  }

  #text(): string {
    return `${JSON.stringify(this.snapshot())}\n`;
  }
}
