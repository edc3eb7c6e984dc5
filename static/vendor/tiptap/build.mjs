// Builds static/vendor/tiptap/tiptap.bundle.min.js from entry.js (one IIFE, global `TipTap`) and writes
// LICENSE with the licence of every npm package the bundle contains. Run with `npm run vendor:editor`.
import { readFileSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");

const result = await build({
  entryPoints: [join(here, "entry.js")],
  outfile: join(here, "tiptap.bundle.min.js"),
  bundle: true,
  minify: true,
  format: "iife",
  globalName: "TipTap",
  target: ["es2019"],
  legalComments: "none",
  metafile: true,
  logLevel: "info",
});

// Every package whose files went into the bundle, with its version and licence text.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (!match || packages.has(match[1])) continue;
  const dir = join(root, "node_modules", match[1]);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const file = readdirSync(dir).find((name) => /^licen[cs]e/i.test(name));
  packages.set(match[1], {
    version: manifest.version,
    license: manifest.license,
    text: file ? readFileSync(join(dir, file), "utf8").trim() : `${manifest.license} (no licence file shipped)`,
  });
}
const names = [...packages.keys()].sort();
const notMit = names.filter((name) => packages.get(name).license !== "MIT");
if (notMit.length) throw new Error(`not MIT-licensed: ${notMit.join(", ")}`);
const sections = names.map((name) => {
  const { version, license, text } = packages.get(name);
  return `${"=".repeat(78)}\n${name}@${version} (${license})\n${"=".repeat(78)}\n\n${text}\n`;
});
writeFileSync(
  join(here, "LICENSE"),
  "tiptap.bundle.min.js contains the following npm packages, each under the MIT licence:\n\n" +
    names.map((name) => `  ${name}@${packages.get(name).version}`).join("\n") +
    "\n\n" +
    sections.join("\n"),
);
console.log(`LICENSE: ${names.length} packages`);
