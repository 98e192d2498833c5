// The progress of a wait, on stderr so that stdout stays the command's result. On a terminal: one
// line redrawn in place (spinner, elapsed time, polls), erased when the wait ends. Elsewhere (CI
// logs, pipes): a plain line per state change the SDK reports, or nothing with --json, whose
// callers parse output and want no chatter.
import type { OutputStream } from "./io.js";

/** The fields of the SDK's OperationProgress this display reads (structural: any wait's report fits). */
export interface WaitProgress {
  readonly done: boolean;
  readonly polls: number;
  readonly elapsedMs: number;
  readonly error?: unknown;
}

export interface ProgressReporter {
  /** Pass as the `onProgress` of `wait()`. */
  readonly onProgress: (progress: WaitProgress) => void;
  /** Ends the display (erases the terminal line). Safe to call twice. */
  stop(): void;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const REDRAW_MS = 100;
const ERASE_LINE = "\r\x1b[2K";

export function progressReporter(stream: OutputStream, label: string, options: { quiet: boolean; now?: () => number }): ProgressReporter {
  if (stream.isTTY) return terminalLine(stream, label, options.now ?? Date.now);
  if (options.quiet) return { onProgress: () => undefined, stop: () => undefined };
  return plainLines(stream, label);
}

function terminalLine(stream: OutputStream, label: string, now: () => number): ProgressReporter {
  const started = now();
  let polls = 0;
  let frame = 0;
  let note = "";
  const draw = () => {
    const seconds = ((now() - started) / 1000).toFixed(1);
    const line = `${FRAMES[frame++ % FRAMES.length]} ${label} ${seconds} s, ${polls} poll${polls === 1 ? "" : "s"}${note}`;
    // A line longer than the terminal would wrap, and \r would then redraw only its last row.
    stream.write(ERASE_LINE + line.slice(0, Math.max(10, (stream.columns || 80) - 1)));
  };
  // The SDK reports state changes, not the passing of time: the timer keeps the clock moving.
  const timer = setInterval(draw, REDRAW_MS);
  // A pending redraw must never keep the process alive after the command is done.
  (timer as { unref?: () => void }).unref?.();
  draw();
  let stopped = false;
  return {
    onProgress(progress) {
      polls = progress.polls;
      note = progress.error === undefined ? "" : ` (a poll failed, retrying: ${describe(progress.error)})`;
      draw();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      stream.write(ERASE_LINE);
    },
  };
}

function plainLines(stream: OutputStream, label: string): ProgressReporter {
  return {
    onProgress(progress) {
      const seconds = (progress.elapsedMs / 1000).toFixed(1);
      const state = progress.error !== undefined ? `poll failed (${describe(progress.error)}), retrying` : progress.done ? "done" : "running";
      stream.write(`${label} ${state} after ${seconds} s, ${progress.polls} poll${progress.polls === 1 ? "" : "s"}\n`);
    },
    stop: () => undefined,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
