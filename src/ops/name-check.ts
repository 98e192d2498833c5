/*
 * Types only: the editor check behind every Valid…Name<N> (src/generated/names.ts). A literal name
 * with the wrong shape becomes a type whose text says what was expected.
 */

/** One path segment: non-empty, no `/`. `string` itself passes (a name only known at run time). */
type Segment<S extends string> = string extends S ? S : S extends "" | `${string}/${string}` ? never : S;
type Segments<T extends readonly string[]> = T extends readonly [infer H extends string, ...infer R extends string[]]
  ? [Segment<H>] extends [never] ? false : Segments<R>
  : true;

/**
 * `N` when it has exactly the segments of the expected kind, else a message type the editor
 * shows: "Expected a branch name: projects/{project_id}/branches/{branch_id}".
 */
export type Checked<N extends string, Parts extends readonly string[] | false, Expected extends string> = string extends N
  ? N
  : Parts extends readonly string[]
    ? Segments<Parts> extends true
      ? N
      : Expected
    : Expected;
