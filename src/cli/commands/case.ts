import type { Command } from "commander";

import { getCase, type GetCaseReturnType } from "../../actions/getCase.js";
import { type GlobalOptions, connect } from "../context.js";
import { parseId } from "../input.js";
import { blockOrDash, fixed, output, renderFields } from "../output.js";

function renderCase(c: GetCaseReturnType): string {
  return renderFields([
    ["case", String(c.caseId)],
    ["state", c.state],
    ["accused", String(c.accusedId)],
    ["reporter", c.reporterId === 0n ? `platform (${c.reporter})` : `${c.reporterId} (${c.reporter})`],
    ["reason code", String(c.reasonCode)],
    ["evidence hash", c.evidenceHash],
    ["snapshot block", String(c.snapshot)],
    ["voting", `blocks ${c.voteStart} to ${c.voteEnd}`],
    ["ratification deadline", `block ${c.ratificationDeadline}`],
    ["bond", fixed(c.bond)],
    ["quorum", fixed(c.quorum)],
    ["expel weight", fixed(c.expelWeight)],
    ["keep weight", fixed(c.keepWeight)],
    ["abstain weight", fixed(c.abstainWeight)],
    ["cast weight", fixed(c.castWeight)],
    ["expel share", fixed(c.expelShare)],
    ["expel threshold", fixed(c.expelThreshold)],
    ["misuse threshold", fixed(c.misuseThreshold)],
    ["vote outcome", c.voteOutcome ?? "- (voting not over)"],
    ["finalized", c.finalized ? "yes" : "no"],
    ["ratified", c.ratified ? "yes" : "no"],
    ["resolved at block", blockOrDash(c.resolvedAt)],
    ["read at block", String(c.blockNumber)],
  ]);
}

/** `credence case show`. */
export function registerCaseCommands(program: Command): void {
  const cases = program.command("case").description("read penalty cases");

  cases
    .command("show")
    .description("a penalty case: state, tallies, deadlines, bond")
    .argument("<case>", "case id")
    .action(async (value: string, _options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const caseId = parseId(value, "the case id");
      const chain = await connect(globals);
      // An unknown id reverts with PenaltyCasesUnknownCase(caseId), which the error handler decodes.
      output(globals, await getCase({ penalty: chain.penalty, caseId }), renderCase);
    });
}
