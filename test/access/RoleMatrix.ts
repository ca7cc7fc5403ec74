import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import {
  type BaseContract,
  type ErrorDescription,
  type FunctionFragment,
  id,
  type ParamType,
  ZeroAddress,
} from "ethers";
import { network } from "hardhat";

import { CaseState, Level, ONE, Role, TrustChangeReason } from "../../src/constants.js";
import { defaultEntryCriteria, defaultPenaltyParameters, defaultTrustParameters } from "../../src/defaults.js";
import { countryCode, toFixed } from "../../src/fixedPoint.js";
import { callerCheckedFunctions, type RestrictedContract, restrictedFunctions } from "../../src/roles.js";
import { deploySuite, joinAndActivate, newIdentity, profileOf } from "../helpers/fixtures.js";

/**
 * The role matrix: every restricted function of every Credence contract (TrustLedger, EntityRegistry,
 * PenaltyCases; src/roles.ts) is mapped to its role in the AccessManager, rejects every signer that lacks that role
 * with `AccessManagedUnauthorized(caller)`, and lets the signer that holds it through. Each signer holds exactly one
 * role (or none), so a cell that passes cannot be explained by another role the signer also holds. In the
 * deployment the PENALTY role belongs to the PenaltyCases contract; the matrix grants it to a test signer as well,
 * so that the registry's PENALTY function can be called directly. The ledger's hooks (`initializeTrust`,
 * `clearTrust`, `adjustTrust`) are not `restricted`: they accept only the contract the ledger names
 * (`callerCheckedFunctions` of src/roles.ts), which a group below calls as that contract (impersonated) and as
 * every role. A last group proves src/roles.ts lists every function that is gated: any function that rejects an
 * unprivileged signer with `AccessManagedUnauthorized` must be listed.
 */

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const REASON = id("role-matrix:reason");

/** Short penalty periods, so that a case reaches ratification in a few blocks; the window stays open long. */
const penaltyParameters = {
  ...defaultPenaltyParameters,
  votingDelay: 1n,
  votingPeriod: 5n,
  ratificationWindow: 1_000n,
};

/** Ignition parameters are JSON values: bigints travel as decimal strings. */
const stringify = (value: object): unknown =>
  JSON.parse(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)));

/** The signers of the matrix, one per role and one without any. */
const callers = [
  { label: "ADMIN", role: Role.ADMIN as bigint | undefined },
  { label: "ASSESSOR", role: Role.ASSESSOR as bigint | undefined },
  { label: "PENALTY", role: Role.PENALTY as bigint | undefined },
  { label: "RATIFIER", role: Role.RATIFIER as bigint | undefined },
  { label: "no role", role: undefined as bigint | undefined },
];

const roleName = (role: bigint) => callers.find((c) => c.role === role)!.label;

const allRoles = Object.values(Role) as bigint[];

async function deployMatrix() {
  const [admin, assessor, penalty, ratifier, outsider, alice, bob, carol, newcomer] = await ethers.getSigners();
  // A dedicated assessor and ratifier: by default the Ignition module grants both roles to account 0, the admin.
  const suite = await deploySuite(connection, {
    assessor: assessor.address,
    ratifier: ratifier.address,
    penaltyParameters: stringify(penaltyParameters),
  });
  const { manager, registry, penalty: penaltyCases } = suite;
  await manager.connect(admin).grantRole(Role.PENALTY, penalty.address, 0);

  const active = await joinAndActivate(suite, alice, assessor);
  const accused = await joinAndActivate(suite, bob, assessor);
  // A case awaiting ratification: alice's organization flags bob's, nobody votes, voting ends (Defeated).
  await penaltyCases.connect(alice).flag(accused, 1, id("role-matrix:evidence"));
  const caseId = await penaltyCases.caseCount();
  await networkHelpers.mine(penaltyParameters.votingDelay + penaltyParameters.votingPeriod + 1n);
  expect(await penaltyCases.state(caseId)).to.equal(CaseState.Defeated);
  const [carolProfileHash, carolProfileURI] = profileOf("carol");
  await registry.connect(carol).requestJoin(newIdentity("carol"), countryCode("DE"), carolProfileHash, carolProfileURI);
  const pending = await registry.organizationOf(carol.address);

  // Fresh first-version implementations, so that an authorized upgradeToAndCall has a valid target.
  const ledgerImplementation = await ethers.deployContract("TrustLedger");
  const registryImplementation = await ethers.deployContract("EntityRegistry");
  const penaltyImplementation = await ethers.deployContract("PenaltyCases", [
    await registry.getAddress(),
    await suite.ledger.getAddress(),
  ]);
  // Another manager, the destination of an authority change.
  const newManager = await ethers.deployContract("CredenceAccessManager", [admin.address]);

  const signers: Record<string, HardhatEthersSigner> = {
    ADMIN: admin,
    ASSESSOR: assessor,
    PENALTY: penalty,
    RATIFIER: ratifier,
    "no role": outsider,
  };
  return {
    ...suite,
    signers,
    active,
    pending,
    caseId,
    newcomer,
    ledgerImplementation,
    registryImplementation,
    penaltyImplementation,
    newManager,
  };
}

type Matrix = Awaited<ReturnType<typeof deployMatrix>>;

const rating = (orgId: bigint, label: string) => ({
  orgId,
  contributionId: id(`contribution:${label}`),
  scores: { quality: toFixed("0.9"), quantity: toFixed("0.8"), integrity: ONE, intent: ONE },
  evidenceHash: id(`evidence:${label}`),
});

/**
 * Plausible arguments for each restricted function, chosen so that the call succeeds for the signer holding the
 * role: the only thing a cell varies is the caller.
 */
type Arguments = (m: Matrix) => unknown[] | Promise<unknown[]>;
const argumentsOf: { [C in RestrictedContract]: Record<keyof (typeof restrictedFunctions)[C], Arguments> } = {
  TrustLedger: {
    setParameters: () => [defaultTrustParameters],
    setRegistry: async (m) => [await m.registry.getAddress()],
    setPenaltyHook: () => [ZeroAddress],
    upgradeToAndCall: async (m) => [await m.ledgerImplementation.getAddress(), "0x"],
    rate: (m) => [rating(m.active, "rate")],
    rateBatch: (m) => [[rating(m.active, "batch")]],
  },
  EntityRegistry: {
    setCountry: () => [
      countryCode("DE"),
      {
        dataPrivacy: toFixed("0.9"),
        copyright: toFixed("0.8"),
        cybercrime: toFixed("0.2"),
        listed: true,
        excluded: false,
      },
    ],
    setEntryCriteria: () => [defaultEntryCriteria],
    upgradeToAndCall: async (m) => [await m.registryImplementation.getAddress(), "0x"],
    requestJoinFor: (m) => {
      const [profileHash, profileURI] = profileOf("newcomer");
      return [
        {
          identityHash: id("identity:newcomer"),
          country: countryCode("DE"),
          admin: m.newcomer.address,
          profileHash,
          profileURI,
        },
      ];
    },
    activate: (m) => [m.pending, Level.High, Level.Medium],
    reject: (m) => [m.pending, REASON],
    expel: (m) => [m.active, REASON],
  },
  PenaltyCases: {
    setParameters: () => [{ ...penaltyParameters, quorumShare: toFixed("0.5") }],
    upgradeToAndCall: async (m) => [await m.penaltyImplementation.getAddress(), "0x"],
    // The ratifier confirms the defeated vote: the case is dismissed.
    ratify: (m) => [m.caseId, false, REASON],
  },
};

const argumentsFor = (m: Matrix, contract: RestrictedContract, name: string) =>
  (argumentsOf[contract] as Record<string, Arguments>)[name](m);

const targetOf = (m: Matrix, contract: RestrictedContract): BaseContract =>
  ({ TrustLedger: m.ledger, EntityRegistry: m.registry, PenaltyCases: m.penalty })[contract];

/** The revert data carried by an ethers / Hardhat error, if any. */
function revertData(error: unknown): string | undefined {
  let current = error as { data?: unknown; error?: unknown; info?: { error?: unknown } } | undefined;
  for (let depth = 0; current !== undefined && depth < 5; depth += 1) {
    if (typeof current.data === "string" && current.data.startsWith("0x")) return current.data;
    current = (current.error ?? current.info?.error) as typeof current;
  }
  return undefined;
}

/** Decodes a revert against the target's ABI; null when it carries no custom error of that ABI. */
function decodeRevert(target: BaseContract, error: unknown): ErrorDescription | null {
  const data = revertData(error);
  return data === undefined ? null : target.interface.parseError(data);
}

/** A zero value of an ABI type: enough to get past ABI decoding and reach the function's first check. */
function zeroOf(param: ParamType): unknown {
  if (param.baseType === "array") return [];
  if (param.baseType === "tuple") return param.components!.map(zeroOf);
  if (param.type === "address") return ZeroAddress;
  if (param.type === "bool") return false;
  if (param.type === "string") return "";
  if (param.type === "bytes") return "0x";
  if (param.type.startsWith("bytes")) return "0x" + "00".repeat(Number(param.type.slice(5)));
  return 0n;
}

describe("role matrix", function () {
  describe("signers", function () {
    for (const caller of callers) {
      it(`the ${caller.label} signer holds exactly ${caller.role === undefined ? "no role" : "its role"}`, async function () {
        const m = await networkHelpers.loadFixture(deployMatrix);
        const signer = m.signers[caller.label];
        for (const role of allRoles) {
          const [isMember] = await m.manager.hasRole(role, signer.address);
          expect(isMember, `role ${roleName(role)}`).to.equal(role === caller.role);
        }
      });
    }

    it("cover every role of src/constants.ts, each with its own account", async function () {
      const m = await networkHelpers.loadFixture(deployMatrix);
      expect(callers.filter((c) => c.role !== undefined).map((c) => c.role)).to.have.members(allRoles);
      const addresses = Object.values(m.signers).map((s) => s.address);
      expect(new Set(addresses).size).to.equal(callers.length);
    });

    it("leave PENALTY with the PenaltyCases contract, its holder in the deployment, and no other role", async function () {
      const m = await networkHelpers.loadFixture(deployMatrix);
      const penaltyCases = await m.penalty.getAddress();
      for (const role of allRoles) {
        const [isMember] = await m.manager.hasRole(role, penaltyCases);
        expect(isMember, `role ${roleName(role)}`).to.equal(role === Role.PENALTY);
      }
    });
  });

  for (const contract of Object.keys(restrictedFunctions) as RestrictedContract[]) {
    describe(contract, function () {
      for (const [name, expectedRole] of Object.entries(restrictedFunctions[contract]) as [string, bigint][]) {
        describe(name, function () {
          it(`is mapped to ${roleName(expectedRole)} in the AccessManager`, async function () {
            const m = await networkHelpers.loadFixture(deployMatrix);
            const target = targetOf(m, contract);
            const selector = target.interface.getFunction(name)!.selector;
            expect(await m.manager.getTargetFunctionRole(await target.getAddress(), selector)).to.equal(expectedRole);
          });

          const holder = callers.find((c) => c.role === expectedRole)!;
          it(`lets ${holder.label} (its role) through`, async function () {
            const m = await networkHelpers.loadFixture(deployMatrix);
            const target = targetOf(m, contract);
            const signer = m.signers[holder.label];
            const args = await argumentsFor(m, contract, name);
            let receiptStatus: number | null | undefined;
            try {
              const tx = await target.connect(signer).getFunction(name)(...args);
              receiptStatus = (await tx.wait())?.status;
            } catch (error) {
              // Not the access gate: name the domain error so that the cell says what went wrong.
              const decoded = decodeRevert(target, error);
              expect(decoded?.name, `${name} by ${holder.label}`).to.not.equal("AccessManagedUnauthorized");
              expect.fail(
                `${name} by ${holder.label} reverted (${decoded?.signature ?? String(error)}): bad arguments`,
              );
            }
            expect(receiptStatus).to.equal(1);
          });

          describe("reverts", function () {
            for (const caller of callers.filter((c) => c !== holder)) {
              it(`when called by ${caller.label}, with AccessManagedUnauthorized`, async function () {
                const m = await networkHelpers.loadFixture(deployMatrix);
                const target = targetOf(m, contract);
                const signer = m.signers[caller.label];
                const args = await argumentsFor(m, contract, name);
                await expect(target.connect(signer).getFunction(name)(...args))
                  .to.be.revertedWithCustomError(target, "AccessManagedUnauthorized")
                  .withArgs(signer.address);
              });
            }
          });
        });
      }
    });
  }

  describe("the ledger's hooks, taken from one contract each", function () {
    const hookArguments: Record<keyof (typeof callerCheckedFunctions)["TrustLedger"], Arguments> = {
      initializeTrust: () => [
        99n,
        { preTrust: toFixed("0.5"), legal: Level.High, capability: Level.Medium, indirect: toFixed("0.8") },
      ],
      clearTrust: (m) => [m.active, REASON],
      adjustTrust: (m) => [m.active, -toFixed("0.05"), TrustChangeReason.BondLocked, REASON],
    };

    for (const [name, view] of Object.entries(callerCheckedFunctions.TrustLedger) as [
      keyof typeof hookArguments,
      "registry" | "penaltyHook",
    ][]) {
      describe(`TrustLedger.${name}`, function () {
        it(`lets the ledger's ${view}() through`, async function () {
          const m = await networkHelpers.loadFixture(deployMatrix);
          const expected = await m.ledger[view]();
          // The deployment names the registry proxy and the PenaltyCases proxy.
          const deployed = view === "registry" ? m.registry : m.penalty;
          expect(expected).to.equal(await deployed.getAddress());
          await networkHelpers.impersonateAccount(expected);
          await networkHelpers.setBalance(expected, ONE);
          const asContract = await ethers.getSigner(expected);
          const args = await hookArguments[name](m);
          const tx = await m.ledger.connect(asContract).getFunction(name)(...args);
          expect((await tx.wait())?.status).to.equal(1);
        });

        it("is not gated by the AccessManager (no role is configured for it)", async function () {
          const m = await networkHelpers.loadFixture(deployMatrix);
          const selector = m.ledger.interface.getFunction(name)!.selector;
          // Unconfigured selectors map to ADMIN; ADMIN is refused below all the same.
          expect(await m.manager.getTargetFunctionRole(await m.ledger.getAddress(), selector)).to.equal(Role.ADMIN);
        });

        describe("reverts", function () {
          for (const caller of callers) {
            it(`when called by ${caller.label}, with AccessManagedUnauthorized`, async function () {
              const m = await networkHelpers.loadFixture(deployMatrix);
              const signer = m.signers[caller.label];
              const args = await hookArguments[name](m);
              await expect(m.ledger.connect(signer).getFunction(name)(...args))
                .to.be.revertedWithCustomError(m.ledger, "AccessManagedUnauthorized")
                .withArgs(signer.address);
            });
          }
        });
      });
    }
  });

  describe("setAuthority", function () {
    // AccessManaged's own hook: not `restricted`, so not in src/roles.ts, but callable only by the current
    // authority itself. Governance reaches it through AccessManager.updateAuthority, which is ADMIN-only.
    for (const contract of Object.keys(restrictedFunctions) as RestrictedContract[]) {
      describe(`${contract}.setAuthority`, function () {
        it("lets ADMIN move the contract to another manager through AccessManager.updateAuthority", async function () {
          const m = await networkHelpers.loadFixture(deployMatrix);
          const target = targetOf(m, contract);
          const newManager = await m.newManager.getAddress();
          await expect(m.manager.connect(m.signers.ADMIN).updateAuthority(target, newManager))
            .to.emit(target, "AuthorityUpdated")
            .withArgs(newManager);
          expect(await target.getFunction("authority")()).to.equal(newManager);
        });

        describe("reverts", function () {
          for (const caller of callers) {
            it(`when called directly by ${caller.label}, with AccessManagedUnauthorized`, async function () {
              const m = await networkHelpers.loadFixture(deployMatrix);
              const target = targetOf(m, contract);
              const signer = m.signers[caller.label];
              await expect(target.connect(signer).getFunction("setAuthority")(await m.newManager.getAddress()))
                .to.be.revertedWithCustomError(target, "AccessManagedUnauthorized")
                .withArgs(signer.address);
            });
          }

          for (const caller of callers.filter((c) => c.role !== Role.ADMIN)) {
            it(`when ${caller.label} calls AccessManager.updateAuthority, with AccessManagerUnauthorizedAccount`, async function () {
              const m = await networkHelpers.loadFixture(deployMatrix);
              const target = targetOf(m, contract);
              const signer = m.signers[caller.label];
              await expect(m.manager.connect(signer).updateAuthority(target, await m.newManager.getAddress()))
                .to.be.revertedWithCustomError(m.manager, "AccessManagerUnauthorizedAccount")
                .withArgs(signer.address, Role.ADMIN);
            });
          }
        });
      });
    }
  });

  describe("coverage", function () {
    /** Gated functions that are deliberately not in src/roles.ts (tested in the setAuthority group above). */
    const gatedByTheAuthorityItself = ["setAuthority"];
    /** Functions that answer a wrong caller with AccessManagedUnauthorized without asking the manager. */
    const callerChecked = (contract: RestrictedContract): string[] =>
      contract === "TrustLedger" ? Object.keys(callerCheckedFunctions.TrustLedger) : [];

    for (const contract of Object.keys(restrictedFunctions) as RestrictedContract[]) {
      it(`src/roles.ts lists every function of ${contract} gated by the AccessManager`, async function () {
        const m = await networkHelpers.loadFixture(deployMatrix);
        const target = targetOf(m, contract);
        const outsider = m.signers["no role"];
        const gated: string[] = [];
        const probed: string[] = [];
        const fragments: FunctionFragment[] = [];
        target.interface.forEachFunction((fragment) => fragments.push(fragment));
        for (const fragment of fragments) {
          if (fragment.constant) continue; // view and pure functions change nothing
          probed.push(fragment.name);
          try {
            await target
              .connect(outsider)
              .getFunction(fragment.selector)
              .staticCall(...fragment.inputs.map(zeroOf));
          } catch (error) {
            if (decodeRevert(target, error)?.name === "AccessManagedUnauthorized") gated.push(fragment.name);
          }
        }
        // The probe must have reached the state-changing functions (initialize, upgradeToAndCall at least).
        expect(probed).to.include.members(["initialize", "upgradeToAndCall"]);
        expect(gated.sort()).to.deep.equal(
          [
            ...Object.keys(restrictedFunctions[contract]),
            ...gatedByTheAuthorityItself,
            ...callerChecked(contract),
          ].sort(),
        );
      });
    }
  });
});
