import assert from "node:assert/strict";
import { catalogueModule, TARGET } from "./tools/sync_catalogue.ts";

Deno.test("the generator catalogue module matches templates/hostname-generators/", async () => {
  const generated = await Deno.readTextFile(TARGET);
  assert.equal(
    generated,
    await catalogueModule(),
    "templates/hostname-generators/ changed: run deno task templates:sync",
  );
});
