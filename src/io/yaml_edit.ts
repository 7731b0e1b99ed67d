/**
 * Kept so `src/io/yaml_edit_test.ts` keeps its import: the comment-preserving
 * editor is `src/io/yaml_text/yaml_edit.ts`.
 *
 * @module
 */

export * from "./yaml_text/yaml_edit.ts";
