import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { ZeroHash, type ContractTransactionResponse } from "ethers";

import { Level, ProfileAction, Status } from "../../src/constants.js";
import { countryCode, toFixed } from "../../src/fixedPoint.js";
import { newIdentity, profileOf } from "../helpers/fixtures.js";
import { type CommunityFixture, DE, Org, type RegistryFixture } from "./helpers.js";

/** A join request as the tests write it; `admin` is a signer so that requestJoin can be sent from it. */
export interface TestJoinRequest {
  identityHash: string;
  country: string;
  admin: HardhatEthersSigner;
  profileHash: string;
  profileURI: string;
}

/** How a join request enters the registry: by the candidate itself or by the platform on its behalf. */
export interface JoinEntry {
  send(f: RegistryFixture, request: TestJoinRequest): Promise<ContractTransactionResponse>;
  staticCall(f: RegistryFixture, request: TestJoinRequest): Promise<bigint>;
  /** The account expected in `JoinRequested.submittedBy`. */
  submitter(f: RegistryFixture, request: TestJoinRequest): string;
}

function requestFor(admin: HardhatEthersSigner, label: string, overrides: Partial<TestJoinRequest> = {}) {
  const [profileHash, profileURI] = profileOf(label);
  return { identityHash: newIdentity(label), country: DE, admin, profileHash, profileURI, ...overrides };
}

/**
 * The behaviour shared by requestJoin and requestJoinFor: what a join records and emits, and every
 * validation of the request.
 */
export function shouldBehaveLikeJoinRequest(
  loadRegistry: () => Promise<RegistryFixture>,
  loadCommunity: () => Promise<CommunityFixture>,
  entry: JoinEntry,
) {
  it("registers a Pending organization with the request's fields", async () => {
    const f = await loadRegistry();
    const request = requestFor(f.frank, "frank");
    expect(await entry.staticCall(f, request)).to.equal(1n);
    const receipt = await (await entry.send(f, request)).wait();

    const org = await f.registry.organization(1n);
    expect(org.identityHash).to.equal(request.identityHash);
    expect(org.admin).to.equal(f.frank.address);
    expect(org.status).to.equal(Status.Pending);
    expect(org.country).to.equal(DE);
    expect(org.legal).to.equal(Level.None);
    expect(org.capability).to.equal(Level.None);
    expect(org.requestedAt).to.equal(receipt!.blockNumber);
    expect(org.activatedAt).to.equal(0n);
    expect(org.memberCount).to.equal(1n);
    expect(org.recommendationCount).to.equal(0n);
    expect(org.recommendationWeightSum).to.equal(0n);
    expect(org.recommendationScoreSum).to.equal(0n);
    expect(org.preTrust).to.equal(0n);
    expect(org.initialTrust).to.equal(0n);
    expect(org.profileVersion).to.equal(1n);
    expect(org.profileHash).to.equal(request.profileHash);
    expect(org.profileURI).to.equal(request.profileURI);

    expect(await f.registry.statusOf(1n)).to.equal(Status.Pending);
    expect(await f.registry.organizationOf(f.frank)).to.equal(1n);
    expect(await f.registry.organizationByIdentity(request.identityHash)).to.equal(1n);
    expect(await f.registry.organizationCount()).to.equal(1n);
    expect(await f.registry.isActiveMember(f.frank)).to.equal(false);
  });

  it("numbers organizations from 1 in request order", async () => {
    const f = await loadRegistry();
    const first = requestFor(f.frank, "frank");
    const second = requestFor(f.grace, "grace");
    await entry.send(f, first);
    expect(await entry.staticCall(f, second)).to.equal(2n);
    await entry.send(f, second);
    expect(await f.registry.organizationOf(f.frank)).to.equal(1n);
    expect(await f.registry.organizationOf(f.grace)).to.equal(2n);
    expect(await f.registry.organizationByIdentity(second.identityHash)).to.equal(2n);
    expect(await f.registry.organizationCount()).to.equal(2n);
  });

  it("emits JoinRequested and ProfileRecordChanged(Added)", async () => {
    const f = await loadRegistry();
    const request = requestFor(f.frank, "frank");
    const tx = await entry.send(f, request);
    await expect(tx)
      .to.emit(f.registry, "JoinRequested")
      .withArgs(1n, request.identityHash, f.frank.address, DE, entry.submitter(f, request));
    await expect(tx)
      .to.emit(f.registry, "ProfileRecordChanged")
      .withArgs(1n, 1n, ProfileAction.Added, request.profileHash, request.profileURI);
  });

  it("accepts a country listed after deployment", async () => {
    const f = await loadRegistry();
    const code = countryCode("QQ");
    const row = {
      dataPrivacy: toFixed("0.5"),
      copyright: toFixed("0.5"),
      cybercrime: toFixed("0.5"),
      listed: true,
      excluded: false,
    };
    await f.registry.connect(f.governance).setCountry(code, row);
    await entry.send(f, requestFor(f.frank, "frank", { country: code }));
    expect((await f.registry.organization(1n)).country).to.equal(code);
  });

  it("lets a Rejected organization's identity ask again, as a new organization", async () => {
    const f = await loadCommunity();
    const identity = (await f.registry.organization(Org.Rejected)).identityHash;
    const before = await f.registry.organizationCount();
    await expect(entry.send(f, requestFor(f.frank, "frank", { identityHash: identity })))
      .to.emit(f.registry, "JoinRequested")
      .withArgs(before + 1n, identity, f.frank.address, anyValue, anyValue);
    expect(await f.registry.organizationByIdentity(identity)).to.equal(before + 1n);
    expect(await f.registry.statusOf(Org.Rejected)).to.equal(Status.Rejected);
    expect(await f.registry.statusOf(before + 1n)).to.equal(Status.Pending);
  });

  it("lets an identity rejected twice ask a third time, each time as a new organization", async () => {
    const f = await loadCommunity();
    const identity = (await f.registry.organization(Org.Rejected)).identityHash;
    const second = (await f.registry.organizationCount()) + 1n;
    await entry.send(f, requestFor(f.frank, "frank", { identityHash: identity }));
    await f.registry.connect(f.assessor).reject(second, ZeroHash);
    const third = requestFor(f.grace, "grace", { identityHash: identity });
    await expect(entry.send(f, third))
      .to.emit(f.registry, "JoinRequested")
      .withArgs(second + 1n, identity, f.grace.address, DE, entry.submitter(f, third));
    expect(await f.registry.organizationByIdentity(identity)).to.equal(second + 1n);
  });

  describe("reverts", () => {
    it("when the identity is already registered (Pending)", async () => {
      const f = await loadCommunity();
      const request = requestFor(f.frank, "frank", { identityHash: f.candidateIdentity });
      await expect(entry.send(f, request))
        .to.be.revertedWithCustomError(f.registry, "EntityRegistryDuplicateIdentity")
        .withArgs(f.candidateIdentity, Org.Pending);
    });

    for (const [label, orgId] of [
      ["Active", Org.Active],
      ["Expelled", Org.Expelled],
    ] as const) {
      it(`when the identity belongs to an ${label} organization`, async () => {
        const f = await loadCommunity();
        const identity = (await f.registry.organization(orgId)).identityHash;
        await expect(entry.send(f, requestFor(f.frank, "frank", { identityHash: identity })))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryDuplicateIdentity")
          .withArgs(identity, orgId);
      });
    }

    it("when a rejected identity already asked again (its new organization is Pending)", async () => {
      const f = await loadCommunity();
      const identity = (await f.registry.organization(Org.Rejected)).identityHash;
      const newId = (await f.registry.organizationCount()) + 1n;
      await entry.send(f, requestFor(f.frank, "frank", { identityHash: identity }));
      await expect(entry.send(f, requestFor(f.grace, "grace", { identityHash: identity })))
        .to.be.revertedWithCustomError(f.registry, "EntityRegistryDuplicateIdentity")
        .withArgs(identity, newId);
    });

    it("when a rejected identity asked again and its new organization was activated", async () => {
      const f = await loadCommunity();
      const identity = (await f.registry.organization(Org.Rejected)).identityHash;
      const newId = (await f.registry.organizationCount()) + 1n;
      await entry.send(f, requestFor(f.frank, "frank", { identityHash: identity }));
      await f.registry.connect(f.assessor).activate(newId, Level.High, Level.High);
      await expect(entry.send(f, requestFor(f.grace, "grace", { identityHash: identity })))
        .to.be.revertedWithCustomError(f.registry, "EntityRegistryDuplicateIdentity")
        .withArgs(identity, newId);
    });

    it("when the admin account is the admin of another organization", async () => {
      const f = await loadCommunity();
      await expect(entry.send(f, requestFor(f.alice, "alice-again")))
        .to.be.revertedWithCustomError(f.registry, "EntityRegistryAccountAlreadyBound")
        .withArgs(f.alice.address, Org.Active);
    });

    it("when the admin account is a member account of another organization", async () => {
      const f = await loadCommunity();
      await expect(entry.send(f, requestFor(f.alice2, "alice2")))
        .to.be.revertedWithCustomError(f.registry, "EntityRegistryAccountAlreadyBound")
        .withArgs(f.alice2.address, Org.Active);
    });

    it("when the admin account still belongs to an Expelled organization", async () => {
      const f = await loadCommunity();
      await expect(entry.send(f, requestFor(f.erin2, "erin2")))
        .to.be.revertedWithCustomError(f.registry, "EntityRegistryAccountAlreadyBound")
        .withArgs(f.erin2.address, Org.Expelled);
    });

    const invalidCodes: [string, string][] = [
      ["lower case (de)", "0x6465"],
      ["mixed case (De)", "0x4465"],
      ["digits (12)", "0x3132"],
      ["zero bytes", "0x0000"],
      ["'@' just below 'A' (@E)", "0x4045"],
      ["'[' just above 'Z' (D[)", "0x445b"],
    ];
    for (const [label, code] of invalidCodes) {
      it(`when the country code is ${label}`, async () => {
        const f = await loadRegistry();
        await expect(entry.send(f, requestFor(f.frank, "frank", { country: code })))
          .to.be.revertedWithCustomError(f.registry, "EntityRegistryInvalidCountryCode")
          .withArgs(code);
      });
    }

    it("when the country is not in the country table", async () => {
      const f = await loadRegistry();
      const code = countryCode("ZZ");
      await expect(entry.send(f, requestFor(f.frank, "frank", { country: code })))
        .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnknownCountry")
        .withArgs(code);
    });

    it("when the country was unlisted by governance", async () => {
      const f = await loadRegistry();
      const row = await f.registry.country(DE);
      await f.registry.connect(f.governance).setCountry(DE, {
        dataPrivacy: row.dataPrivacy,
        copyright: row.copyright,
        cybercrime: row.cybercrime,
        listed: false,
        excluded: false,
      });
      await expect(entry.send(f, requestFor(f.frank, "frank")))
        .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnknownCountry")
        .withArgs(DE);
    });

    it("when the country is excluded by the entry criteria", async () => {
      const f = await loadRegistry();
      const code = countryCode("XX");
      await f.registry.connect(f.governance).setCountry(code, {
        dataPrivacy: toFixed("0.9"),
        copyright: toFixed("0.9"),
        cybercrime: toFixed("0.1"),
        listed: true,
        excluded: true,
      });
      await expect(entry.send(f, requestFor(f.frank, "frank", { country: code })))
        .to.be.revertedWithCustomError(f.registry, "EntityRegistryExcludedCountry")
        .withArgs(code);
    });

    it("when the identity hash is zero", async () => {
      const f = await loadRegistry();
      await expect(entry.send(f, requestFor(f.frank, "frank", { identityHash: ZeroHash })))
        .to.be.revertedWithCustomError(f.registry, "EntityRegistryMissingField")
        .withArgs("identityHash");
    });

    it("when the profile hash is zero", async () => {
      const f = await loadRegistry();
      await expect(entry.send(f, requestFor(f.frank, "frank", { profileHash: ZeroHash })))
        .to.be.revertedWithCustomError(f.registry, "EntityRegistryMissingField")
        .withArgs("profileHash");
    });

    it("when the profile URI is empty", async () => {
      const f = await loadRegistry();
      await expect(entry.send(f, requestFor(f.frank, "frank", { profileURI: "" })))
        .to.be.revertedWithCustomError(f.registry, "EntityRegistryMissingField")
        .withArgs("profileURI");
    });
  });
}

/** Whether an admin-only operation is allowed on a Rejected organization (removeMember is). */
export interface AdminOnlyOptions {
  allowedWhenRejected: boolean;
}

/**
 * The checks shared by every operation of an organization's admin (addMember, removeMember, transferAdmin,
 * setProfile, deleteProfile): only the admin account, only a known organization, and not once it is final.
 * `call` sends the operation for `orgId` from `caller` with otherwise valid arguments.
 */
export function shouldBehaveLikeOrganizationAdminOperation(
  loadCommunity: () => Promise<CommunityFixture>,
  call: (f: CommunityFixture, caller: HardhatEthersSigner, orgId: bigint) => Promise<ContractTransactionResponse>,
  options: AdminOnlyOptions,
) {
  it("when the caller is a member account but not the admin", async () => {
    const f = await loadCommunity();
    await expect(call(f, f.alice2, Org.Active))
      .to.be.revertedWithCustomError(f.registry, "EntityRegistryNotOrganizationAdmin")
      .withArgs(Org.Active, f.alice2.address);
  });

  it("when the caller is the admin of another organization", async () => {
    const f = await loadCommunity();
    await expect(call(f, f.bob, Org.Active))
      .to.be.revertedWithCustomError(f.registry, "EntityRegistryNotOrganizationAdmin")
      .withArgs(Org.Active, f.bob.address);
  });

  it("when the caller is bound to no organization", async () => {
    const f = await loadCommunity();
    await expect(call(f, f.outsider, Org.Active))
      .to.be.revertedWithCustomError(f.registry, "EntityRegistryNotOrganizationAdmin")
      .withArgs(Org.Active, f.outsider.address);
  });

  it("when governance calls it", async () => {
    const f = await loadCommunity();
    await expect(call(f, f.governance, Org.Active))
      .to.be.revertedWithCustomError(f.registry, "EntityRegistryNotOrganizationAdmin")
      .withArgs(Org.Active, f.governance.address);
  });

  it("when the organization is unknown", async () => {
    const f = await loadCommunity();
    await expect(call(f, f.alice, 99n))
      .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnknownOrganization")
      .withArgs(99n);
  });

  it("when the organization is Expelled", async () => {
    const f = await loadCommunity();
    await expect(call(f, f.erin, Org.Expelled))
      .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnexpectedStatus")
      .withArgs(Org.Expelled, Status.Expelled, Status.Active);
  });

  if (!options.allowedWhenRejected) {
    it("when the organization is Rejected", async () => {
      const f = await loadCommunity();
      await expect(call(f, f.dave, Org.Rejected))
        .to.be.revertedWithCustomError(f.registry, "EntityRegistryUnexpectedStatus")
        .withArgs(Org.Rejected, Status.Rejected, Status.Active);
    });
  }
}
