// Types for tsup.config.ts, which imports the plain-JS module (see entries.mjs).
export declare const publicEntries: Record<string, string>;
export declare const binEntries: Record<string, string>;
export declare const entries: { readonly index: string } & Record<string, string>;
export declare const coreEntries: { readonly internal: string };
export declare const nodeEntries: Record<string, string>;
export declare function subpathOf(name: string): string;
