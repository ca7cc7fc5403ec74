/**
 * Keeps docs/cli.md complete: every command the program registers has a row in the commands table and an example
 * run (`$ credence <group> <command> …`) with its output, and the page names no command that no longer exists.
 * The outputs themselves come from a real run (docs/cli.md, "The walkthrough"); they are not compared here,
 * since addresses and hashes change with every run.
 */
import { readFileSync } from "node:fs";

import { expect } from "chai";
import type { Command } from "commander";

import { createProgram } from "../../src/cli/program.js";

const doc = readFileSync(new URL("../../docs/cli.md", import.meta.url), "utf8");

/** Every runnable command's full name ("org join", "params"), commander's implicit `help` left out. */
function commandNames(command: Command, prefix = ""): string[] {
  const names: string[] = [];
  for (const sub of command.commands) {
    if (sub.name() === "help") continue;
    const name = `${prefix}${sub.name()}`;
    if (sub.commands.length === 0) names.push(name);
    else names.push(...commandNames(sub, `${name} `));
  }
  return names;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("docs/cli.md", function () {
  const names = commandNames(createProgram());

  it("has the commands the program registers", function () {
    expect(names).to.include.members(["org join", "trust rate-batch", "case sign-vote", "case relay", "params"]);
    expect(names.length).to.be.greaterThan(25);
  });

  for (const name of names) {
    it(`shows \`credence ${name}\` run, with its output`, function () {
      // An example line, then at least one line of output before the next example or the block's end.
      const example = new RegExp(`^ *\\$ credence ${escape(name)}(?: .*)?\\n(?! *\\$ | *\`\`\`)`, "m");
      expect(doc, `no example of credence ${name}`).to.match(example);
    });

    it(`lists \`${name}\` in the commands table`, function () {
      const [group, command] = name.split(" ");
      const row = new RegExp(`^\\| \\[\`${escape(group)}[^|]*\`?${escape(command ?? "")}\``, "m");
      expect(doc, `no table row for ${name}`).to.match(row);
    });
  }

  it("runs no command the program does not have", function () {
    const used = new Set<string>();
    for (const match of doc.matchAll(/^ *\$ credence ((?:[a-z-]+)(?: [a-z-]+)?)/gm)) {
      const words = match[1].split(" ");
      used.add(names.includes(words.join(" ")) ? words.join(" ") : words[0]);
    }
    for (const name of used) expect(names, `docs/cli.md runs credence ${name}`).to.include(name);
  });
});
