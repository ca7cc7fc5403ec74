/**
 * What every command that sends a transaction shares: the wallet connected to the node with the gas price the
 * network takes, a role check before sending, the organization a wallet acts for, and the lines that report a
 * mined transaction.
 */
import type { HDNodeWallet, Interface, Wallet } from "ethers";

import type { TransactionInfo } from "../actions/waitForReceipt.js";
import { Role } from "../constants.js";
import { type Chain, type ContractName, type GlobalOptions, connect, debug, openWallet } from "./context.js";
import { CliError, ExitCode } from "./errors.js";
import { parseUint } from "./input.js";
import type { OrganizationRef } from "./organizations.js";
import { resolveOrganization } from "./organizations.js";

/** A connection with the wallet that signs, connected to the node. */
export interface Session extends Chain {
  signer: Wallet | HDNodeWallet;
}

/**
 * Connects to the node (checking the deployment), opens `--wallet` and sets the gas price: `--gas-price WEI` if
 * given; else 0 when the latest block's base fee is 0 — a free-gas network such as a generated Besu network
 * (zeroBaseFee, --min-gas-price 0), where member accounts hold no ether; else the node's own estimate.
 */
export async function openSession(options: GlobalOptions): Promise<Session> {
  const gasPrice = options.gasPrice === undefined ? undefined : parseUint(options.gasPrice, "--gas-price");
  if (options.wallet === undefined) {
    throw new CliError(
      "this command sends a transaction: pass --wallet FILE (an encrypted JSON keystore)",
      ExitCode.Usage,
    );
  }
  const chain = await connect(options);
  try {
    const wallet = await openWallet(options);
    if (gasPrice !== undefined) {
      chain.provider.fixedGasPrice = gasPrice;
    } else {
      const latest = await chain.provider.getBlock("latest");
      if (latest?.baseFeePerGas === 0n) chain.provider.fixedGasPrice = 0n;
    }
    debug(
      options,
      `sending as ${wallet.address}, gas price ${chain.provider.fixedGasPrice ?? "estimated by the node"}${
        chain.provider.fixedGasPrice === undefined ? "" : " wei"
      }`,
    );
    return { ...chain, signer: wallet.connect(chain.provider) };
  } catch (error) {
    chain.provider.destroy();
    throw error;
  }
}

/**
 * Fails with "missing role" before anything is sent when the signer may not call `contract.fn` — a function the
 * suite's AccessManager restricts to a role (ASSESSOR, RATIFIER, ADMIN). The contract would revert with
 * AccessManagedUnauthorized(caller); this says which role is missing.
 */
export async function requireRole(session: Session, contract: ContractName, fn: string): Promise<void> {
  const target = session.deployment.addresses[contract];
  const contracts = {
    CredenceAccessManager: session.manager,
    EntityRegistry: session.registry,
    TrustLedger: session.ledger,
    PenaltyCases: session.penalty,
  };
  const selector = (contracts[contract].interface as Interface).getFunction(fn)!.selector;
  const [immediate] = await session.manager.canCall(session.signer.address, target, selector);
  if (immediate) return;
  const role = await session.manager.getTargetFunctionRole(target, selector);
  const name = Object.entries(Role).find(([, value]) => value === role)?.[0] ?? `role ${role}`;
  throw new CliError(
    `missing role: ${session.signer.address} does not hold ${name}, which ${contract}.${fn} needs`,
    ExitCode.Failure,
  );
}

/**
 * The organization a member command acts for: `--org` if given, else the one the wallet's account belongs to.
 */
export async function organizationFor(session: Session, ref: OrganizationRef | undefined): Promise<bigint> {
  if (ref !== undefined) return resolveOrganization(session, ref);
  return resolveOrganization(session, { account: session.signer.address }, "the wallet's account");
}

/** The lines every transaction's report ends with. */
export function transactionFields(tx: TransactionInfo): Array<[string, string]> {
  return [
    ["transaction", tx.transactionHash],
    ["block", String(tx.blockNumber)],
    ["gas used", String(tx.gasUsed)],
  ];
}
