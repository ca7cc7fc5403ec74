import { readFileSync } from "node:fs";

import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { SolidityParameterType } from "@nomicfoundation/ignition-core";
import { Interface } from "ethers";

import { Role } from "../../src/constants.js";
import {
  defaultCommunityType,
  defaultCountries,
  defaultEntryCriteria,
  defaultTrustParameters,
  toCountryEntry,
} from "../../src/defaults.js";
import { restrictedFunctions, roleLabels, type RestrictedContract } from "../../src/roles.js";

/** The selectors of `contract`'s functions restricted to `role`, read from the compiled ABI. */
function selectorsFor(contract: RestrictedContract, role: bigint): string[] {
  const folder = contract === "TrustLedger" ? "trust" : "registry";
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
 * The Credence suite: an AccessManager, the TrustLedger and the EntityRegistry behind UUPS proxies, wired
 * together and with their roles configured. Parameters (see deploy/parameters/): `communityType`,
 * `trustParameters`, `entryCriteria`, `countries`, `assessor`.
 */
export default buildModule("Credence", (m) => {
  const governance = m.getAccount(0);
  const assessor = m.getParameter("assessor", m.getAccount(0));
  const communityType = m.getParameter("communityType", defaultCommunityType);
  const trustParameters = m.getParameter("trustParameters", stringify(defaultTrustParameters));
  const entryCriteria = m.getParameter("entryCriteria", stringify(defaultEntryCriteria));
  const countries = m.getParameter("countries", defaultCountries.map(toCountryEntry).map(stringify));

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

  for (const [label, role] of Object.entries(roleLabels)) {
    m.call(manager, "labelRole", [role, label], { id: `label_${label}` });
  }
  const targets = { TrustLedger: ledger, EntityRegistry: registry } as const;
  for (const contract of Object.keys(targets) as RestrictedContract[]) {
    for (const role of [Role.ASSESSOR, Role.REGISTRY, Role.PENALTY]) {
      const selectors = selectorsFor(contract, role);
      if (selectors.length === 0) continue;
      m.call(manager, "setTargetFunctionRole", [targets[contract], selectors, role], {
        id: `roles_${contract}_${role}`,
      });
    }
  }
  m.call(manager, "grantRole", [Role.ASSESSOR, assessor, 0], { id: "grant_ASSESSOR" });
  m.call(manager, "grantRole", [Role.REGISTRY, registry, 0], { id: "grant_REGISTRY" });

  return { manager, ledger, registry, ledgerImplementation, registryImplementation };
});

/** Ignition parameters are JSON values: bigints travel as decimal strings. */
function stringify(value: object): SolidityParameterType {
  return JSON.parse(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
}
