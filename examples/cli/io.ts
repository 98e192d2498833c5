// What the CLI touches outside itself, passed in rather than reached for, so that a test can run
// `main` with its own streams and environment.

export interface OutputStream {
  write(text: string): unknown;
  /** Set by Node on a terminal: the progress line is drawn only then. */
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface Io {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}
