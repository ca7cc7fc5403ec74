import type { Command } from "commander";

import { explainInitialTrust, type ExplainInitialTrustReturnType } from "../../actions/explainInitialTrust.js";
import { getOrganization, type GetOrganizationReturnType } from "../../actions/getOrganization.js";
import { getTrustHistory, type TrustChange } from "../../actions/getTrustHistory.js";
import { formatDelta, renderTable } from "../../format.js";
import { type GlobalOptions, connect } from "../context.js";
import { CliError, ExitCode, usageError } from "../errors.js";
import { parseBlockNumber } from "../input.js";
import { blockOrDash, fixed, output, probationText, renderFields, section } from "../output.js";
import { parseOrganization, resolveOrganization } from "../organizations.js";
import { registerRateCommands } from "./rate.js";

interface TrustShowResult {
  orgId: bigint;
  blockNumber: number;
  status: GetOrganizationReturnType["status"];
  trust: bigint;
  recordedTrust: bigint;
  trustUpdatedAt: bigint;
  initialTrust: bigint;
  activatedAt: bigint;
  ratedContributions: bigint;
  onProbation: boolean;
  /** With `--explain`: how activation computed the initial trust. */
  initialTrustExplained?: ExplainInitialTrustReturnType;
}

function renderTrust(result: TrustShowResult): string {
  const fields = renderFields([
    ["organization", String(result.orgId)],
    ["status", result.status],
    ["trust", fixed(result.trust)],
    ["recorded trust", fixed(result.recordedTrust)],
    ["recorded at block", blockOrDash(result.trustUpdatedAt)],
    ["initial trust", fixed(result.initialTrust)],
    ["activated at block", blockOrDash(result.activatedAt)],
    ["rated contributions", String(result.ratedContributions)],
    ["on probation", probationText(result.onProbation)],
    ["read at block", String(result.blockNumber)],
  ]);
  const explained = result.initialTrustExplained;
  return explained === undefined ? fields : `${fields}\n\n${renderInitialTrust(explained)}`;
}

/** `trust show --explain`'s section: each term, the formula and cap when the cap applied, the initial trust. */
export function renderInitialTrust(explained: ExplainInitialTrustReturnType): string {
  const terms = [
    ["pre-trust", explained.preTrust],
    ["legal", explained.legal],
    ["capability", explained.capability],
    ["indirect (country)", explained.indirect],
  ] as const;
  const table = renderTable(
    ["term", "value", "weight", "contribution"],
    [
      ...terms.map(([name, t]) => [name, fixed(t.value), fixed(t.weight), fixed(t.contribution)]),
      // The terms' sum exceeded the community's cap: show both, so that the table adds up.
      ...(explained.capped
        ? [
            ["formula", "", "", fixed(explained.formula)],
            ["cap", "", "", fixed(explained.cap)],
          ]
        : []),
      ["initial trust", "", "", fixed(explained.initialTrust)],
    ],
  );
  return section(`Initial trust at block ${explained.blockNumber}`, table);
}

function renderHistory(changes: TrustChange[]): string {
  return renderTable(
    ["block", "reason", "old", "new", "delta", "transaction"],
    changes.map((c) => [
      String(c.blockNumber),
      c.reason,
      fixed(c.oldValue),
      fixed(c.newValue),
      formatDelta(c.delta),
      c.transactionHash,
    ]),
    { align: ["right", "left", "right", "right", "right", "left"] },
  );
}

/** `credence trust show | history | rate | rate-batch`. */
export function registerTrustCommands(program: Command): void {
  const trust = program
    .command("trust")
    .description("trust: an organization's trust and history; rate contributions, one or a file of them");

  trust
    .command("show")
    .description("an organization's current trust (decay included) and initial trust")
    .argument("<org>", "organization id, or an account address bound to it")
    .option("--explain", "break the initial trust down into its terms (reads state at the activation block)")
    .action(async (value: string, options: { explain?: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const ref = parseOrganization(value);
      const chain = await connect(globals);
      const orgId = await resolveOrganization(chain, ref);
      const org = await getOrganization({ registry: chain.registry, ledger: chain.ledger, orgId });
      const result: TrustShowResult = {
        orgId,
        blockNumber: org.blockNumber,
        status: org.status,
        trust: org.trust,
        recordedTrust: org.recordedTrust,
        trustUpdatedAt: org.trustUpdatedAt,
        initialTrust: org.initialTrust,
        activatedAt: org.activatedAt,
        ratedContributions: org.ratedContributions,
        onProbation: org.onProbation,
      };
      if (options.explain) {
        if (org.activatedAt === 0n) {
          throw new CliError(
            `organization ${orgId} was never activated: no initial trust to explain`,
            ExitCode.Failure,
          );
        }
        const explained = await explainInitialTrust({ registry: chain.registry, ledger: chain.ledger, orgId });
        // A node without the activation block's state (Besu's default Bonsai storage keeps only recent blocks)
        // may answer with defaults instead of an error: the recomputation then disagrees with the record.
        if (explained.recomputed !== explained.initialTrust) {
          throw new CliError(
            `cannot explain: the state at activation block ${explained.blockNumber} recomputes ` +
              `${fixed(explained.recomputed)}, not the recorded ${fixed(explained.initialTrust)}; ` +
              "the node may not keep historical state (an archive node is needed)",
            ExitCode.Failure,
          );
        }
        result.initialTrustExplained = explained;
      }
      output(globals, result, renderTrust);
    });

  trust
    .command("history")
    .description("an organization's trust changes (TrustChanged events), oldest first")
    .argument("<org>", "organization id, or an account address bound to it")
    .option("--from-block <n>", "first block to search (default: the organization's join request)")
    .option("--to-block <n>", "last block to search (default: the latest)")
    .option("--max-logs-range <n>", "blocks per eth_getLogs request (default 1000, Besu's limit)")
    .action(
      async (
        value: string,
        options: { fromBlock?: string; toBlock?: string; maxLogsRange?: string },
        command: Command,
      ) => {
        const globals = command.optsWithGlobals<GlobalOptions>();
        let fromBlock = parseBlockNumber(options.fromBlock, "--from-block");
        const toBlock = parseBlockNumber(options.toBlock, "--to-block");
        const maxLogsRange = parseBlockNumber(options.maxLogsRange, "--max-logs-range", 1);
        if (fromBlock !== undefined && toBlock !== undefined && fromBlock > toBlock) {
          throw usageError(`--from-block ${fromBlock} is after --to-block ${toBlock}`);
        }
        const ref = parseOrganization(value);
        const chain = await connect(globals);
        const orgId = await resolveOrganization(chain, ref);
        // No trust before the join request: searching from there is the whole history and no more.
        fromBlock ??= Number((await chain.registry.organization(orgId)).requestedAt);
        const history = await getTrustHistory({ ledger: chain.ledger, orgId, fromBlock, toBlock, maxLogsRange });
        output(globals, history, renderHistory);
      },
    );

  registerRateCommands(trust);
}
