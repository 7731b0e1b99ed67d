/** Blocking and severity follow the status, in the constructors alone. */
import assert from "node:assert/strict";
import {
  ambiguous,
  type Decision,
  kept,
  migrated,
  needsDecision,
  rewritten,
  unresolved,
  unsupported,
} from "./decisions.ts";

const after = { kind: "MeshService", name: "a" };
const problem = { message: "m", advice: "a" };
const traffic = { before: "b", after: "a", fixed: false, message: "t" };

const ROWS: [string, Decision, Record<string, unknown>][] = [
  ["migrated", migrated(), { status: "migrated", blocking: false, severity: undefined }],
  [
    "rewritten without notes",
    rewritten({ after, targets: [] }),
    { status: "rewritten", after, blocking: false, severity: undefined, message: undefined },
  ],
  [
    "rewritten with a traffic note",
    rewritten({ after, targets: [], message: "n", traffic }),
    { status: "rewritten", message: "n", traffic, blocking: false },
  ],
  [
    "kept by default does not block and says nothing",
    kept({ message: "m" }),
    { status: "kept", blocking: false, severity: undefined, advice: undefined },
  ],
  [
    "kept by config still blocks the gate",
    kept({ message: "m", blocking: true, severity: "info", advice: "" }),
    { status: "kept", blocking: true, severity: "info", advice: "" },
  ],
  [
    "unresolved blocks with a warning",
    unresolved(problem),
    { status: "unresolved", blocking: true, severity: "warning", advice: "a", targets: [] },
  ],
  [
    "ambiguous blocks as told",
    ambiguous({ ...problem, targets: [], blocking: false }),
    { status: "ambiguous", blocking: false, severity: "warning" },
  ],
  [
    "needsDecision blocks with a warning",
    needsDecision(problem),
    { status: "needsDecision", blocking: true, severity: "warning" },
  ],
  [
    "unsupported blocks with a warning",
    unsupported({ ...problem, traffic }),
    { status: "unsupported", blocking: true, severity: "warning", traffic },
  ],
];

for (const [name, decision, expected] of ROWS) {
  Deno.test(`decisions: ${name}`, () => {
    const picked = Object.fromEntries(
      Object.keys(expected).map((k) => [k, decision[k as keyof Decision]]),
    );
    assert.deepEqual(picked, expected);
  });
}
