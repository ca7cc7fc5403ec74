import { readFileSync } from "node:fs";

/**
 * How many checkpoints the total's history holds before its head (TrustLedger's `total.archived`), read from the
 * ledger's storage at the place the committed layout (storage-layouts/TrustLedger.json) gives. The history is
 * packed two checkpoints to a slot, so whether a write that moves the total starts a slot (a new one, 20,000 gas
 * more) or fills one depends on this count's parity: gas comparisons across chains hold it equal.
 * @param provider Any provider with ethers' `getStorage`.
 * @param ledger The TrustLedger proxy's address.
 * @returns The count (`archived` of the total's head slot).
 */
export async function totalCheckpointCount(
  provider: { getStorage(address: string, slot: bigint): Promise<string> },
  ledger: string,
): Promise<bigint> {
  interface Member {
    label: string;
    slot: string;
    offset: number;
    type: { bytes: string; members?: Member[] };
  }
  const layout = JSON.parse(
    readFileSync(new URL("../../storage-layouts/TrustLedger.json", import.meta.url), "utf8"),
  ) as { slot: string; members: Member[] };
  const total = layout.members.find((m) => m.label === "total");
  const archived = total?.type.members?.find((m) => m.label === "archived");
  if (total === undefined || archived === undefined) throw new Error("no total.archived in TrustLedger's layout");
  const word = BigInt(
    await provider.getStorage(ledger, BigInt(layout.slot) + BigInt(total.slot) + BigInt(archived.slot)),
  );
  return (word >> BigInt(archived.offset * 8)) & ((1n << BigInt(Number(archived.type.bytes) * 8)) - 1n);
}
