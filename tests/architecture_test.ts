import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);

async function coreFiles(): Promise<string[]> {
  const files = ["src/transform.ts", "src/config.ts", "src/results.ts", "src/report.ts"];
  const dirs = ["src/model", "src/steps", "src/steps/references", "src/phases", "src/hostnames"];
  for (const dir of [...dirs, "src/config"]) {
    for await (const entry of Deno.readDir(new URL(dir, root))) {
      if (entry.isFile && entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) {
        files.push(`${dir}/${entry.name}`);
      }
    }
  }
  return files.sort();
}

Deno.test("the core never touches Deno, the clock, the environment or the adapters", async () => {
  const files = await coreFiles();
  assert.ok(files.length >= 10, `expected the core files, found ${files.join(", ")}`);
  const forbidden = [
    { pattern: /\bDeno\./, what: "Deno.*" },
    { pattern: /\bDate\.now\(|new Date\(\)/, what: "the clock" },
    { pattern: /\bprocess\.env\b/, what: "the environment" },
    { pattern: /Math\.random\(/, what: "randomness" },
    { pattern: /from "(\.\.?\/)+(io|src\/io)\//, what: "an I/O adapter" },
    { pattern: /from "node:(fs|child_process|process|os)"/, what: "a Node I/O module" },
  ];
  for (const file of files) {
    const text = await Deno.readTextFile(new URL(file, root));
    for (const { pattern, what } of forbidden) {
      assert.ok(!pattern.test(text), `${file} uses ${what}`);
    }
  }
});

Deno.test("Kuma's label and annotation strings live only in src/model/kuma.ts", async () => {
  // The generator catalogue is generated from templates/hostname-generators/, its one home.
  const files = (await coreFiles()).filter((f) =>
    f !== "src/model/kuma.ts" && f !== "src/hostnames/catalogue_data.ts" && !f.endsWith("_test.ts")
  );
  for (const file of files) {
    // Code only: documentation examples may spell labels.
    const text = (await Deno.readTextFile(new URL(file, root))).split("\n")
      .filter((line) => !/^\s*(\*|\/\/)/.test(line)).join("\n");
    const literal = /"(k8s\.)?kuma\.io\/[a-z-]+"/.exec(text);
    assert.equal(
      literal,
      null,
      `${file} spells ${literal?.[0]}: use the constants of src/model/kuma.ts`,
    );
  }
});
