import type { ContractTransactionResponse, TransactionReceipt } from "ethers";

/** Where and at what cost a transaction was mined: returned by every action that sends one. */
export interface TransactionInfo {
  transactionHash: string;
  blockNumber: number;
  gasUsed: bigint;
}

export type WaitForReceiptParameters = Promise<ContractTransactionResponse> | ContractTransactionResponse;

export interface WaitForReceiptReturnType extends TransactionInfo {
  receipt: TransactionReceipt;
}

/**
 * Waits for a sent transaction to be mined and returns its receipt with the hash, block and gas used. A
 * transaction that reverts throws (ethers does), so a returned receipt always has status 1.
 */
export async function waitForReceipt(response: WaitForReceiptParameters): Promise<WaitForReceiptReturnType> {
  const sent = await response;
  const receipt = await sent.wait();
  if (receipt === null) throw new Error(`transaction ${sent.hash} was not mined`);
  return {
    receipt,
    transactionHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    gasUsed: receipt.gasUsed,
  };
}
