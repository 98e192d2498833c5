// Types for tsup.config.ts, which imports the plain-JS module (see core-external.mjs).
import type { Plugin } from "esbuild";
export declare function coreAsExternal(internalEntry: string): Plugin;
