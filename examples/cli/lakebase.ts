#!/usr/bin/env node
// The executable: the process's arguments, streams and environment handed to main().
import { main } from "./main.js";

// exitCode rather than exit(): a piped stdout is flushed before the process ends.
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
