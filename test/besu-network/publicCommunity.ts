/**
 * A generated public community, end to end on a real node: the generator writes the network, anvil starts from
 * its genesis.json (Besu cannot run here; see test/helpers/anvil.ts for what anvil does and does not check), and
 * the pre-deployed ValidatorSet is driven by the validators' own generated keys.
 *
 * - getValidators() answers the generated authorities from block 0, with no deployment transaction;
 * - an admission and a removal by more than two thirds of the authorities;
 * - the suite deployed on that chain (Ignition, over JSON-RPC), the authorities registered as member accounts,
 *   the set bound to the registry, an Active organization's account admitted, and removed by an outsider once
 *   its organization is expelled.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import { Contract, Wallet, id, type ContractTransactionResponse } from "ethers";
import { artifacts, network } from "hardhat";

import { createNetwork } from "../../besu-network/src/create.js";
import type { NetworkManifest } from "../../besu-network/src/manifest.js";
import { resolveCreateOptions } from "../../besu-network/src/options.js";
import { Role } from "../../src/constants.js";
import { deploySuite } from "../../src/actions/deploySuite.js";
import type { ValidatorSet } from "../../types/index.js";
import { joinAndActivate } from "../helpers/fixtures.js";
import { type Anvil, startAnvil } from "../helpers/anvil.js";

const CHAIN_ID = 4343;
/** Ignition journals JSON-RPC deployments under deploy/deployments/<id>; this one is removed afterwards. */
const deploymentId = `test-public-community-${process.pid}`;
const journal = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../deploy/deployments", deploymentId);

describe("public community on a node started from the generated genesis (anvil)", function () {
  this.timeout(120_000);

  let dir: string;
  let anvil: Anvil;
  let manifest: NetworkManifest;
  let validators: Wallet[];
  let abi: Awaited<ReturnType<typeof artifacts.readArtifact>>["abi"];

  /** The set as `signer` sees it. */
  const setAs = (signer: Wallet) => new Contract(manifest.validatorContract!, abi, signer) as unknown as ValidatorSet;

  async function mined(tx: Promise<ContractTransactionResponse>) {
    const receipt = await (await tx).wait();
    expect(receipt!.status).to.equal(1);
    return receipt!;
  }

  before(async function () {
    dir = await mkdtemp(path.join(tmpdir(), "credence-public-"));
    const options = resolveCreateOptions(
      { name: "e2e", consensus: "qbft", validators: 4, variant: "public", chainId: CHAIN_ID, out: "net" },
      { baseDir: dir },
    );
    ({ manifest } = await createNetwork(options));
    anvil = await startAnvil(path.join(options.out, "genesis.json"), CHAIN_ID);
    abi = (await artifacts.readArtifact("ValidatorSet")).abi;
    const validatorNodes = manifest.nodes.filter((node) => node.role === "validator");
    validators = await Promise.all(
      validatorNodes.map(async (node) => {
        const key = (await readFile(path.join(options.out, "nodes", node.name, "key"), "utf8")).trim();
        const wallet = new Wallet(key, anvil.provider);
        // The key file really is this validator's: its address is the one in the manifest.
        expect(wallet.address).to.equal(node.address);
        return wallet;
      }),
    );
  });

  after(async function () {
    await anvil?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    await rm(journal, { recursive: true, force: true });
  });

  it("answers getValidators() with exactly the generated validators from genesis", async function () {
    expect(Number((await anvil.provider.getNetwork()).chainId)).to.equal(CHAIN_ID);
    expect(await anvil.provider.getBlockNumber()).to.equal(0);
    const genesis = JSON.parse(await readFile(path.join(dir, "net", "genesis.json"), "utf8")) as {
      config: { chainId: number; qbft: { validatorcontractaddress: string } };
    };
    expect(genesis.config.chainId).to.equal(CHAIN_ID);
    expect(genesis.config.qbft.validatorcontractaddress.toLowerCase()).to.equal(
      manifest.validatorContract!.toLowerCase(),
    );
    const expected = validators.map((wallet) => wallet.address).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const set = setAs(validators[0]);
    // The raw call Besu makes (selector 0xb7ab4db5), decoded, in genesis order (ascending).
    const raw = await anvil.provider.call({ to: manifest.validatorContract!, data: "0xb7ab4db5" });
    expect(set.interface.decodeFunctionResult("getValidators", raw)[0]).to.deep.equal(expected);
    expect(await set.authorityCount()).to.equal(4n);
    expect(await set.minimumAuthorities()).to.equal(4n);
  });

  it("admits an authority with three of four votes, and not with two", async function () {
    const candidate = Wallet.createRandom().address;
    const [a, b, c] = validators;
    await mined(setAs(a).voteToAdd(candidate));
    await mined(setAs(b).voteToAdd(candidate));
    expect(await setAs(a).isAuthority(candidate)).to.equal(false);
    const receipt = await mined(setAs(c).voteToAdd(candidate));
    const set = setAs(a);
    const added = receipt.logs.map((log) => set.interface.parseLog(log)).find((e) => e?.name === "AuthorityAdded");
    expect(added?.args.authority).to.equal(candidate);
    expect(added?.args.organization).to.equal(0n); // unbound: no registry to look it up in
    expect(await set.getValidators()).to.include(candidate);
    expect(await set.authorityCount()).to.equal(5n);
  });

  it("removes an authority with four of five votes", async function () {
    const set = setAs(validators[0]);
    const leaving = validators[3].address;
    expect(await set.votesNeeded()).to.equal(4n);
    for (const voter of validators.slice(0, 3)) await mined(setAs(voter).voteToRemove(leaving));
    expect(await set.isAuthority(leaving)).to.equal(true);
    // The fourth vote may come from the leaving authority itself.
    await mined(setAs(validators[3]).voteToRemove(leaving));
    expect(await set.isAuthority(leaving)).to.equal(false);
    expect(await set.getValidators()).to.not.include(leaving);
    expect(await set.authorityCount()).to.equal(4n);
  });

  it("binds to the suite deployed on the same chain, admits an Active member, drops it once expelled", async function () {
    const connection = await network.create({
      network: "localhost",
      override: { url: anvil.url, chainId: CHAIN_ID },
    });
    const [deployer, operatorAdmin, candidateAdmin, outsider] = await connection.ethers.getSigners();
    const suite = await deploySuite({ connection, deploymentId });
    const registryAddress = await suite.registry.getAddress();

    // Before binding, every authority's validator address becomes a member account of an Active organization
    // (here all of one operator organization), or a bound set would let anyone remove it.
    const operatorId = await joinAndActivate(suite, operatorAdmin, deployer);
    const current = await setAs(validators[0]).getValidators();
    expect(current).to.have.length(4); // three generated validators and the authority admitted above
    for (const authority of current)
      await mined(suite.registry.connect(operatorAdmin).addMember(operatorId, authority));

    const voters = validators.slice(0, 3);
    for (const voter of voters) await mined(setAs(voter).voteToBind(registryAddress, 0n));
    const [boundRegistry, boundLedger] = await setAs(validators[0]).binding();
    expect(boundRegistry).to.equal(registryAddress);
    expect(boundLedger).to.equal(await suite.ledger.getAddress());

    // Bound: an account of no organization is refused, an Active organization's account is admitted.
    const stranger = Wallet.createRandom().address;
    await expect(setAs(validators[0]).voteToAdd(stranger))
      .to.be.revertedWithCustomError(setAs(validators[0]), "ValidatorSetCandidateNotActive")
      .withArgs(stranger);
    const candidateId = await joinAndActivate(suite, candidateAdmin, deployer);
    for (const voter of voters) await mined(setAs(voter).voteToAdd(candidateAdmin.address));
    expect(await setAs(validators[0]).isAuthority(candidateAdmin.address)).to.equal(true);
    expect(await setAs(validators[0]).organizationOf(candidateAdmin.address)).to.equal(candidateId);

    // Expelled (the PENALTY role does it in production; governance grants it here): anyone may remove it.
    await mined(suite.manager.connect(deployer).grantRole(Role.PENALTY, deployer.address, 0));
    await mined(suite.registry.connect(deployer).expel(candidateId, id("case")));
    const asOutsider = new Contract(manifest.validatorContract!, abi, outsider) as unknown as ValidatorSet;
    await mined(asOutsider.removeInactive(candidateAdmin.address));
    expect(await asOutsider.isAuthority(candidateAdmin.address)).to.equal(false);
    expect(await asOutsider.getValidators()).to.have.members([...current]);
  });
});
