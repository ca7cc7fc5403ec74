/**
 * genesis.json of a Besu QBFT / IBFT 2.0 network.
 *
 * Layout from Besu's docs: https://besu.hyperledger.org/private-networks/how-to/configure/consensus/qbft and
 * …/consensus/ibft (genesis file), milestone keys from Besu's JsonGenesisConfigOptions.
 */
import { encodeRlp, toQuantity } from "ethers";

import { encodeExtraData } from "./extraData.js";
import { type NetworkPlan, validatorContract, validatorNodes } from "./plan.js";
import {
  type GenesisAccount,
  type ValidatorSetArtifact,
  loadValidatorSetArtifact,
  validatorSetGenesisAccount,
} from "./validatorSet.js";

/**
 * `mixHash` of BFT blocks: ASCII "ctical byzantine fault tolerance", the value Besu's QBFT and IBFT 2.0 docs put
 * in every genesis file and Besu checks on every header.
 */
export const BFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";

/**
 * Block gas limit: 100 million. Large enough for any single transaction of the suite (a deployment is bounded by
 * the 24 KiB code-size limit, a few million gas) with ample room for batches, small enough that a full block
 * executes well within a one-second block period on ordinary hardware. Besu keeps the genesis gas limit on BFT
 * networks unless `--target-gas-limit` says otherwise.
 */
export const GENESIS_GAS_LIMIT = 100_000_000n;

/**
 * Blocks between QBFT/IBFT epoch transitions, where pending header votes are discarded: Besu's default and the
 * value of its example genesis files.
 */
export const EPOCH_LENGTH = 30_000;

/**
 * The smallest a public community's validator set may shrink to: 4, the fewest BFT validators that tolerate one
 * faulty node (n = 3f + 1). Every generated network starts with at least that many.
 */
export const MIN_AUTHORITIES = 4;

/** What every funded account starts with: 1,000,000 ether (gas is free; value transfers still need a balance). */
export const FUNDING_WEI = 10n ** 24n;

/**
 * Round timeout: twice the block period, Besu's advice for a start ("set requesttimeoutseconds to two times
 * blockperiodseconds", https://besu.hyperledger.org/private-networks/how-to/configure/consensus/qbft#tune-block-timeout).
 */
export function requestTimeoutSeconds(blockPeriod: number): number {
  return 2 * blockPeriod;
}

export interface BftSection {
  blockperiodseconds: number;
  epochlength: number;
  requesttimeoutseconds: number;
  /** QBFT contract validator selection (public communities). */
  validatorcontractaddress?: string;
}

export interface Genesis {
  config: {
    chainId: number;
    homesteadBlock: 0;
    eip150Block: 0;
    eip158Block: 0;
    byzantiumBlock: 0;
    constantinopleBlock: 0;
    petersburgBlock: 0;
    istanbulBlock: 0;
    berlinBlock: 0;
    londonBlock: 0;
    shanghaiTime: 0;
    zeroBaseFee: true;
    qbft?: BftSection;
    ibft2?: BftSection;
  };
  nonce: string;
  timestamp: string;
  gasLimit: string;
  difficulty: string;
  mixHash: string;
  coinbase: string;
  alloc: Record<string, GenesisAccount>;
  extraData: string;
}

/**
 * QBFT extraData in contract validator selection: zero vanity, no validators, no vote, round 0, no seals
 * (`RLP([vanity, [], [], 0, []])`), the value of Besu's contract-selection example genesis.
 */
export const CONTRACT_MODE_EXTRA_DATA = encodeRlp(["0x" + "00".repeat(32), [], [], "0x", []]);

/** Genesis `alloc` key: lower-case address without 0x, as in Besu's example files. */
const allocKey = (address: string) => address.toLowerCase().slice(2);

/**
 * The genesis of `plan`. A private community lists its validators (ascending) in extraData; a public one leaves
 * extraData without validators and pre-deploys the ValidatorSet contract (runtime code and constructor storage)
 * at `qbft.validatorcontractaddress`, holding the same validators. `artifact` defaults to the compiled contract
 * (`npx hardhat build`) and is read only for a public community.
 */
export function buildGenesis(plan: NetworkPlan, artifact?: ValidatorSetArtifact): Genesis {
  const { options } = plan;
  const validators = validatorNodes(plan).map((n) => n.keys.address);
  const contract = validatorContract(plan);

  const bft: BftSection = {
    blockperiodseconds: options.blockPeriod,
    epochlength: EPOCH_LENGTH,
    requesttimeoutseconds: requestTimeoutSeconds(options.blockPeriod),
  };
  if (contract !== null) bft.validatorcontractaddress = contract;

  const funded = (): GenesisAccount => ({ balance: toQuantity(FUNDING_WEI) });
  const alloc: Record<string, GenesisAccount> = { [allocKey(plan.deployer.address)]: funded() };
  if (contract !== null) {
    // Validators send their own ValidatorSet votes, so they hold ether like any other sender.
    for (const address of validators) alloc[allocKey(address)] = funded();
    alloc[allocKey(contract)] = validatorSetGenesisAccount(
      {
        authorities: [...validators].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)),
        minimum: MIN_AUTHORITIES,
      },
      artifact ?? loadValidatorSetArtifact(),
    );
  }

  return {
    config: {
      chainId: options.chainId,
      // Every milestone up to Shanghai from the first block: the suite compiles for evmVersion shanghai, which needs
      // PUSH0 (EIP-3855). Shanghai is supported on QBFT / IBFT 2.0 since Besu 24.3.0 (besu-eth/besu#6353), with
      // time-based forks on BFT fixed in 26.2.0 (#9785); Cancun and later are not documented for BFT networks.
      homesteadBlock: 0,
      eip150Block: 0,
      eip158Block: 0,
      byzantiumBlock: 0,
      constantinopleBlock: 0,
      petersburgBlock: 0,
      istanbulBlock: 0,
      berlinBlock: 0,
      londonBlock: 0,
      shanghaiTime: 0,
      // Free gas: base fee 0 (https://besu.hyperledger.org/private-networks/how-to/configure/free-gas).
      zeroBaseFee: true,
      ...(options.consensus === "qbft" ? { qbft: bft } : { ibft2: bft }),
    },
    nonce: "0x0",
    timestamp: toQuantity(plan.timestamp),
    gasLimit: toQuantity(GENESIS_GAS_LIMIT),
    difficulty: "0x1",
    mixHash: BFT_MIX_HASH,
    coinbase: "0x0000000000000000000000000000000000000000",
    alloc,
    extraData:
      contract === null ? encodeExtraData({ consensus: options.consensus, validators }) : CONTRACT_MODE_EXTRA_DATA,
  };
}
