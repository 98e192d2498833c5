// Types for tsup.config.ts, which imports the plain-JS script (see build-types.mjs).
export declare const TYPES_DIR: string;
export declare function toCjsDeclaration(text: string): string;
export declare function buildTypes(entries: Record<string, string>, options?: { root?: string; outDir?: string }): string[];
