import type { Command } from "commander";

import { getCommunity, type GetCommunityReturnType } from "../../actions/getCommunity.js";
import { Level, enumName } from "../../constants.js";
import {
  defaultPenaltyParameters,
  penaltyDurationKeys,
  trustDurationKeys,
  type PenaltyParameters,
} from "../../defaults.js";
import { type GlobalOptions, connect } from "../context.js";
import { fixed, output, renderFields, section } from "../output.js";

interface ParamsResult extends GetCommunityReturnType {
  penaltyParameters: PenaltyParameters;
}

/** Parameters that count blocks or items; every other one is an 18-decimal fraction. */
const INTEGER_PARAMETERS = new Set<string>([
  ...trustDurationKeys,
  "recommendationDamping",
  "probationRatings",
  ...penaltyDurationKeys,
  "maxMisuses",
]);

const levelName = (value: bigint) => enumName(Level, value);

function parameterRows(parameters: Record<string, bigint>): [string, string][] {
  return Object.entries(parameters).map(([name, value]) => [
    name,
    INTEGER_PARAMETERS.has(name) ? String(value) : fixed(value),
  ]);
}

function renderParams(p: ParamsResult): string {
  const c = p.entryCriteria;
  return [
    section(
      "Community",
      renderFields([
        ["type", p.communityType],
        ["organizations", String(p.organizationCount)],
        ["total trust", fixed(p.totalTrust)],
        ["ledger version", p.ledgerVersion],
        ["registry version", p.registryVersion],
        ["read at block", String(p.blockNumber)],
      ]),
    ),
    section(
      "Entry criteria",
      renderFields([
        ["minPreTrust", fixed(c.minPreTrust)],
        ["minRecommendations", String(c.minRecommendations)],
        ["maxRecommendations", String(c.maxRecommendations)],
        ["minCapability", levelName(c.minCapability)],
        ["minLegal", levelName(c.minLegal)],
      ]),
    ),
    section("Trust model", renderFields(parameterRows(p.trustParameters))),
    section("Penalty cases (durations in blocks)", renderFields(parameterRows(p.penaltyParameters))),
  ].join("\n\n");
}

/** `credence params`. */
export function registerParamsCommand(program: Command): void {
  program
    .command("params")
    .description("the community's type, entry criteria, trust-model and penalty parameters")
    .action(async (_options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const chain = await connect(globals);
      const community = await getCommunity({ registry: chain.registry, ledger: chain.ledger });
      // The same block as the community's reads, so that every figure printed belongs to one state.
      const raw = await chain.penalty.parameters({ blockTag: community.blockNumber });
      const penaltyParameters = Object.fromEntries(
        Object.keys(defaultPenaltyParameters).map((name) => [name, raw[name as keyof typeof raw] as bigint]),
      ) as PenaltyParameters;
      output(globals, { ...community, penaltyParameters }, renderParams);
    });
}
