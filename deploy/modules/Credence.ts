import { readFileSync } from "node:fs";

import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { SolidityParameterType } from "@nomicfoundation/ignition-core";
import { Interface } from "ethers";

import { Role } from "../../src/constants.js";
import {
  defaultCommunityType,
  defaultCountries,
  defaultEntryCriteria,
  defaultPenaltyParameters,
  defaultTrustParameters,
  toCountryEntry,
} from "../../src/defaults.js";
import { restrictedFunctions, roleLabels, type RestrictedContract } from "../../src/roles.js";

/** The selectors of `contract`'s functions restricted to `role`, read from the compiled ABI. */
function selectorsFor(contract: RestrictedContract, role: bigint): string[] {
  const folder = { TrustLedger: "trust", EntityRegistry: "registry", PenaltyCases: "penalty" }[contract];
  const artifact = JSON.parse(
    readFileSync(
      new URL(`../../artifacts/contracts/${folder}/${contract}.sol/${contract}.json`, import.meta.url),
      "utf8",
    ),
  );
  const abi = new Interface(artifact.abi);
  return Object.entries(restrictedFunctions[contract])
    .filter(([, r]) => r === role)
    .map(([name]) => abi.getFunction(name)!.selector);
}

/**
 * The Credence suite: an AccessManager, the TrustLedger, the EntityRegistry and PenaltyCases behind UUPS
 * proxies, wired together and with their roles configured. Parameters (see deploy/parameters/):
 * `communityType`, `trustParameters`, `entryCriteria`, `countries`, `penaltyParameters`, `assessor`, `ratifier`.
 */
export default buildModule("Credence", (m) => {
  const governance = m.getAccount(0);
  const assessor = m.getParameter("assessor", m.getAccount(0));
  const communityType = m.getParameter("communityType", defaultCommunityType);
  const trustParameters = m.getParameter("trustParameters", stringify(defaultTrustParameters));
  const entryCriteria = m.getParameter("entryCriteria", stringify(defaultEntryCriteria));
  const countries = m.getParameter("countries", defaultCountries.map(toCountryEntry).map(stringify));
  const penaltyParameters = m.getParameter("penaltyParameters", stringify(defaultPenaltyParameters));
  const ratifier = m.getParameter("ratifier", m.getAccount(0));

  const manager = m.contract("CredenceAccessManager", [governance]);

  const ledgerImplementation = m.contract("TrustLedger", [], { id: "TrustLedgerImplementation" });
  const ledgerProxy = m.contract(
    "CredenceProxy",
    [
      ledgerImplementation,
      m.encodeFunctionCall(ledgerImplementation, "initialize", [manager, communityType, trustParameters]),
    ],
    { id: "TrustLedgerProxy" },
  );
  const ledger = m.contractAt("TrustLedger", ledgerProxy);

  const registryImplementation = m.contract("EntityRegistry", [], { id: "EntityRegistryImplementation" });
  const registryProxy = m.contract(
    "CredenceProxy",
    [
      registryImplementation,
      m.encodeFunctionCall(registryImplementation, "initialize", [manager, ledger, entryCriteria, countries]),
    ],
    { id: "EntityRegistryProxy" },
  );
  const registry = m.contractAt("EntityRegistry", registryProxy);

  m.call(ledger, "setRegistry", [registry]);

  // Built for this registry and ledger: they are immutables of the implementation.
  const penaltyImplementation = m.contract("PenaltyCases", [registry, ledger], { id: "PenaltyCasesImplementation" });
  const penaltyProxy = m.contract(
    "CredenceProxy",
    [
      penaltyImplementation,
      m.encodeFunctionCall(penaltyImplementation, "initialize", [manager, registry, ledger, penaltyParameters]),
    ],
    { id: "PenaltyCasesProxy" },
  );
  const penalty = m.contractAt("PenaltyCases", penaltyProxy);
  m.call(ledger, "setPenaltyHook", [penalty]);

  for (const [label, role] of Object.entries(roleLabels)) {
    m.call(manager, "labelRole", [role, label], { id: `label_${label}` });
  }
  const targets = { TrustLedger: ledger, EntityRegistry: registry, PenaltyCases: penalty } as const;
  for (const contract of Object.keys(targets) as RestrictedContract[]) {
    for (const role of [Role.ASSESSOR, Role.PENALTY, Role.RATIFIER]) {
      const selectors = selectorsFor(contract, role);
      if (selectors.length === 0) continue;
      m.call(manager, "setTargetFunctionRole", [targets[contract], selectors, role], {
        id: `roles_${contract}_${role}`,
      });
    }
  }
  m.call(manager, "grantRole", [Role.ASSESSOR, assessor, 0], { id: "grant_ASSESSOR" });
  m.call(manager, "grantRole", [Role.PENALTY, penalty, 0], { id: "grant_PENALTY" });
  m.call(manager, "grantRole", [Role.RATIFIER, ratifier, 0], { id: "grant_RATIFIER" });

  return { manager, ledger, registry, penalty, ledgerImplementation, registryImplementation, penaltyImplementation };
});

/** Ignition parameters are JSON values: bigints travel as decimal strings. */
function stringify(value: object): SolidityParameterType {
  return JSON.parse(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
}
