/**
 * Peers measured on the same in-process chain as Credence: the Ethereum Attestation Service (`attest` of a rating
 * under a schema with the same fields, and `multiAttest` of 10) and an OpenZeppelin Governor (`castVote`).
 *
 *   npx tsx scripts/bench/peers.ts [--quick]   prints the figures as JSON (progress on stderr)
 *
 * EAS is deployed from the npm package's own compiled artifacts (solc 0.8.29, no PUSH0 or Cancun opcode in its
 * bytecode). The Governor and its ERC20Votes token are compiled from contracts/bench for Cancun (OpenZeppelin
 * 5.7's EIP712 reaches `mcopy`), so the chain must run Cancun: {@link createPeerConnection}. Credence's own
 * contracts (Shanghai) run unchanged there: Cancun reprices none of the opcodes they use.
 */
import { readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

import {
  AbiCoder,
  Contract,
  ContractFactory,
  ZeroAddress,
  ZeroHash,
  id,
  type BaseContract,
  type ContractTransactionResponse,
  type InterfaceAbi,
  type LogDescription,
} from "ethers";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";

import { ONE } from "../../src/constants.js";
import { toFixed } from "../../src/fixedPoint.js";
import type { BenchGovernor, BenchVotesToken } from "../../types/index.js";

export interface PeerFigures {
  eas: {
    /** The npm package's version (the contract's own `version()` is in `contractVersion`). */
    version: string;
    contractVersion: string;
    /** The registered schema string. */
    schema: string;
    /** A later `attest` under the schema (the first of the schema is `attestFirst`). */
    attest: number;
    /** The first `attest` under a freshly registered schema (also EAS's first attestation). */
    attestFirst: number;
    /** One `multiAttest` call holding 10 attestations under the schema. */
    multiAttest10: number;
    /** multiAttest10 / 10, rounded. */
    multiAttestPerItem: number;
  };
  governor: {
    /** The OpenZeppelin Contracts version the Governor is compiled from. */
    version: string;
    /** `castVote(proposalId, For)` by the 2nd voter of the proposal. */
    castVote: number;
    /** The proposal's 1st vote: it also turns the For tally from zero to non-zero. */
    castVoteFirst: number;
    /** The 3rd voter's, to show the 2nd is the steady figure. */
    castVoteThird: number;
    /** Token holders who delegated to themselves (all hold the same balance). */
    voters: number;
  };
  chain: { hardfork: string };
}

/** The hardfork the peers need (OpenZeppelin 5.7's Governor is compiled for it). */
export const PEER_HARDFORK = "cancun";

/**
 * EAS schema with the fields of Credence's `ITrustLedger.Rating`. The scores are uint64 (18-decimal fixed point in
 * [0, 1e18], which fits: 2^64 ≈ 1.8e19), as in Credence's `Scores`. EAS ABI-encodes the data, so every field takes
 * one 32-byte word whatever its type and a narrower type saves nothing; packing the scores into one word would,
 * but it is no longer the same fields (EAS's schema tooling could not decode them).
 */
export const RATING_SCHEMA =
  "uint256 orgId,bytes32 contributionId,uint64 quality,uint64 quantity,uint64 integrity,uint64 intent,bytes32 evidenceHash";

/** Credence ratings cannot be withdrawn, so neither can the attestation standing in for one. */
const REVOCABLE = false;
const MULTI_ATTEST_SIZE = 10;
const VOTERS = 5;
/** Blocks (the token's clock is the block number); the figures do not depend on them. */
const VOTING_DELAY = 1;
const VOTING_PERIOD = 50_400;
/** GovernorCountingSimple.VoteType.For */
const FOR = 1;
/** IGovernor.ProposalState.Active */
const ACTIVE = 1n;

const require = createRequire(import.meta.url);

/**
 * A new in-process chain for the peers and Credence alike: the project's `hardhat` network (Shanghai, l1) moved to
 * {@link PEER_HARDFORK} with Hardhat 3's Network Config override,
 * `network.create({ network: "hardhat", override: { hardfork: "cancun" } })`. (A bare `network.create()` uses
 * Hardhat's built-in `default` network, whose hardfork is Hardhat's latest, not the config's `hardhat` entry.)
 */
export async function createPeerConnection(): Promise<NetworkConnection> {
  return network.create({ network: "hardhat", override: { hardfork: PEER_HARDFORK } });
}

/**
 * Measures the peers' operations on `connection` (left open), or on a new Cancun chain that is closed afterwards.
 * Every measured transaction is checked for the events proving it did its job. Throws if the chain cannot run
 * Cancun code.
 */
export async function measurePeers(connection?: NetworkConnection): Promise<PeerFigures> {
  if (connection === undefined) {
    const own = await createPeerConnection();
    try {
      return await measurePeers(own);
    } finally {
      await own.close();
    }
  }
  await requireCancun(connection);
  const hardfork =
    connection.networkConfig.type === "edr-simulated" ? connection.networkConfig.hardfork : "cancun or later";
  return { eas: await measureEas(connection), governor: await measureGovernor(connection), chain: { hardfork } };
}

/** Throws unless the chain executes MCOPY (Cancun): eth_call of init code PUSH0 PUSH0 PUSH0 MCOPY STOP. */
async function requireCancun(connection: NetworkConnection): Promise<void> {
  try {
    await connection.provider.request({ method: "eth_call", params: [{ data: "0x5f5f5f5e00" }, "latest"] });
  } catch {
    throw new Error(
      `peers: the chain does not run Cancun code (MCOPY); create it with createPeerConnection(), i.e. ` +
        `network.create({ network: "hardhat", override: { hardfork: "${PEER_HARDFORK}" } })`,
    );
  }
}

async function measureEas(connection: NetworkConnection): Promise<PeerFigures["eas"]> {
  const { ethers } = connection;
  const [platform, ratedAdmin] = await ethers.getSigners();
  progress("EAS: deploying SchemaRegistry and EAS from the package's artifacts");
  const registry = await deployArtifact("SchemaRegistry", [], platform);
  const eas = await deployArtifact("EAS", [await registry.getAddress()], platform);

  const [registered] = await expectEvents(
    registry.register(RATING_SCHEMA, ZeroAddress, REVOCABLE),
    registry,
    "Registered",
  );
  const schemaUid: string = registered.args.uid;

  // The rated organization's data, as Credence's gas scenario rates: orgId 1, scores 0.9 / 0.8 / 0.9 / 1.
  const coder = AbiCoder.defaultAbiCoder();
  const request = (label: string): AttestationRequestData => ({
    recipient: ratedAdmin.address,
    expirationTime: 0n,
    revocable: REVOCABLE,
    refUID: ZeroHash,
    data: coder.encode(
      ["uint256", "bytes32", "uint64", "uint64", "uint64", "uint64", "bytes32"],
      [1n, id(`contribution:${label}`), toFixed("0.9"), toFixed("0.8"), toFixed("0.9"), ONE, id(`evidence:${label}`)],
    ),
    value: 0n,
  });
  const attest = (label: string) => measured(eas.attest({ schema: schemaUid, data: request(label) }), eas, "Attested");

  progress("EAS: attest (first of the schema, then a later one) and multiAttest of 10");
  const attestFirst = await attest("eas-1");
  const attestLater = await attest("eas-2");
  const batch = Array.from({ length: MULTI_ATTEST_SIZE }, (_, i) => request(`eas-batch-${i}`));
  const multiAttest10 = await measured(
    eas.multiAttest([{ schema: schemaUid, data: batch }]),
    eas,
    "Attested",
    MULTI_ATTEST_SIZE,
  );

  return {
    version: packageVersion("@ethereum-attestation-service/eas-contracts"),
    contractVersion: await eas.version(),
    schema: RATING_SCHEMA,
    attest: attestLater,
    attestFirst,
    multiAttest10,
    multiAttestPerItem: Math.round(multiAttest10 / MULTI_ATTEST_SIZE),
  };
}

async function measureGovernor(connection: NetworkConnection): Promise<PeerFigures["governor"]> {
  const { ethers, networkHelpers } = connection;
  const signers = await ethers.getSigners();
  const voters = signers.slice(1, 1 + VOTERS);
  progress(`Governor: token for ${VOTERS} self-delegated voters, a no-op proposal`);
  const token = (await ethers.deployContract("BenchVotesToken", [
    voters.map((v) => v.address),
    1000n * ONE,
  ])) as unknown as BenchVotesToken;
  for (const voter of voters) {
    await expectEvents(token.connect(voter).delegate(voter.address), token, "DelegateChanged");
  }
  await networkHelpers.mine(1);
  const governor = (await ethers.deployContract("BenchGovernor", [
    await token.getAddress(),
    VOTING_DELAY,
    VOTING_PERIOD,
  ])) as unknown as BenchGovernor;

  const [proposed] = await expectEvents(
    governor.connect(voters[0]).propose([voters[0].address], [0n], ["0x"], "bench: no-op"),
    governor,
    "ProposalCreated",
  );
  const proposalId: bigint = proposed.args.proposalId;
  await networkHelpers.mine(VOTING_DELAY + 1);
  const state = await governor.state(proposalId);
  if (state !== ACTIVE) throw new Error(`peers: proposal state ${state}, expected Active (${ACTIVE})`);

  progress("Governor: castVote by the 1st, 2nd and 3rd voter");
  const vote = async (index: number) => {
    let cast: LogDescription | undefined;
    const gas = await measured(
      governor.connect(voters[index]).castVote(proposalId, FOR),
      governor,
      "VoteCast",
      1,
      ([event]) => (cast = event),
    );
    const { voter, support, weight } = cast!.args;
    if (voter !== voters[index].address || support !== BigInt(FOR) || weight !== 1000n * ONE) {
      throw new Error(`peers: VoteCast(${voter}, support ${support}, weight ${weight}) is not the vote sent`);
    }
    return gas;
  };
  const castVoteFirst = await vote(0);
  const castVote = await vote(1);
  const castVoteThird = await vote(2);

  return {
    version: packageVersion("@openzeppelin/contracts"),
    castVote,
    castVoteFirst,
    castVoteThird,
    voters: VOTERS,
  };
}

/** IEAS.AttestationRequestData (the package's TypeChain types are CommonJS-typed ethers, unusable from ESM). */
interface AttestationRequestData {
  recipient: string;
  expirationTime: bigint;
  revocable: boolean;
  refUID: string;
  data: string;
  value: bigint;
}

/** Deploys an EAS contract from the package's Hardhat artifact (its own compiled bytecode). */
async function deployArtifact(
  name: string,
  args: unknown[],
  signer: Awaited<ReturnType<NetworkConnection["ethers"]["getSigners"]>>[number],
): Promise<Contract> {
  const file = require.resolve(
    `@ethereum-attestation-service/eas-contracts/artifacts/contracts/${name}.sol/${name}.json`,
  );
  const artifact = JSON.parse(readFileSync(file, "utf8")) as { abi: InterfaceAbi; bytecode: string };
  const deployed = await new ContractFactory(artifact.abi, artifact.bytecode, signer).deploy(...args);
  await deployed.waitForDeployment();
  return new Contract(await deployed.getAddress(), artifact.abi, signer);
}

/**
 * Waits for `sent` and checks that `contract` emitted `event` exactly `times` times; returns those events and the
 * gas used.
 */
async function sendChecked(
  sent: Promise<ContractTransactionResponse>,
  contract: BaseContract,
  event: string,
  times = 1,
): Promise<{ events: LogDescription[]; gasUsed: number }> {
  const receipt = (await (await sent).wait())!;
  const address = await contract.getAddress();
  const events = receipt.logs
    .filter((log) => log.address === address)
    .map((log) => contract.interface.parseLog(log))
    .filter((parsed): parsed is LogDescription => parsed?.name === event);
  if (events.length !== times) throw new Error(`peers: expected ${times} ${event} event(s), got ${events.length}`);
  return { events, gasUsed: Number(receipt.gasUsed) };
}

/** {@link sendChecked} for a set-up transaction: its events. */
async function expectEvents(
  sent: Promise<ContractTransactionResponse>,
  contract: BaseContract,
  event: string,
  times = 1,
): Promise<LogDescription[]> {
  return (await sendChecked(sent, contract, event, times)).events;
}

/** {@link sendChecked} for a measured transaction: its gas, after `check` has seen the events. */
async function measured(
  sent: Promise<ContractTransactionResponse>,
  contract: BaseContract,
  event: string,
  times = 1,
  check?: (events: LogDescription[]) => void,
): Promise<number> {
  const { events, gasUsed } = await sendChecked(sent, contract, event, times);
  check?.(events);
  return gasUsed;
}

function packageVersion(name: string): string {
  const file = require.resolve(`${name}/package.json`);
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

function progress(message: string): void {
  process.stderr.write(`peers: ${message}\n`);
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (isMain) {
  const usage = "usage: npx tsx scripts/bench/peers.ts [--quick]";
  let help = false;
  try {
    // --quick is accepted for symmetry with the other sections: the peers are already small.
    ({
      values: { help = false },
    } = parseArgs({ options: { quick: { type: "boolean" }, help: { type: "boolean" } }, strict: true }));
  } catch (error) {
    console.error(`peers: ${(error as Error).message}`);
    process.exit(2);
  }
  if (help) {
    console.log(usage);
  } else {
    try {
      console.log(JSON.stringify(await measurePeers(), null, 2));
    } catch (error) {
      console.error(`peers: ${(error as Error).message}`);
      process.exitCode = 1;
    }
  }
}
