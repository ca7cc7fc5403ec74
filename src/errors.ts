import { isHexString, type ErrorDescription, type Interface, type ParamType } from "ethers";

import { CaseState, Status, TrustChangeReason } from "./constants.js";

/** ABIs to decode against: ethers Interfaces or contracts (anything with an `interface`). */
export type ErrorInterfaces = ReadonlyArray<Interface | { interface: Interface }>;

/**
 * One line that says why a call failed. A revert carrying a custom error of one of `interfaces` (pass the
 * Credence contracts, e.g. `[registry, ledger, manager, penalty]`: the AccessManager's errors and the
 * AccessManaged `AccessManagedUnauthorized` are in their ABIs) is decoded with its arguments; an enum argument
 * shows its name and number (ABIs carry enums as uint8, so the names come from {@link ENUM_ARGUMENTS}):
 *
 *     EntityRegistryEntryCriteriaNotMet(orgId: 5, criterion: "recommendations", actual: 1, required: 2)
 *     PenaltyCasesInvalidSignature(voter: 0x70997970C51812dc3A010C7d01b50e0d17dc79C8)
 *     PenaltyCasesUnexpectedState(caseId: 1, current: Pending (1), expected: Active (2))
 *
 * Anything else (a revert without data, `Error(string)`, `Panic(uint256)`, an unknown selector, a non-revert
 * failure) falls back to the error's own message (ethers' short message when it has one).
 */
export function describeError(error: unknown, interfaces: ErrorInterfaces): string {
  const data = revertDataOf(error);
  if (data !== undefined) {
    for (const entry of interfaces) {
      const iface = "interface" in entry ? entry.interface : entry;
      const decoded = tryParseError(iface, data);
      if (decoded !== null && decoded.name !== "Error" && decoded.name !== "Panic") {
        return `${decoded.name}(${decoded.fragment.inputs
          .map((input, i) => formatArgument(input, decoded.args[i], ENUM_ARGUMENTS[`${decoded.name}.${input.name}`]))
          .join(", ")})`;
      }
    }
  }
  return messageOf(error);
}

function tryParseError(iface: Interface, data: string): ErrorDescription | null {
  try {
    return iface.parseError(data);
  } catch {
    // The selector matched but the data does not decode as its arguments: not this error.
    return null;
  }
}

/**
 * The revert data of an ethers or Hardhat error: a hex `data` field on the error or on one of the errors it
 * wraps (`error`, `info.error`, `cause`), at least a 4-byte selector long.
 */
function revertDataOf(error: unknown, depth = 0): string | undefined {
  if (depth > 6 || typeof error !== "object" || error === null) return undefined;
  const record = error as Record<string, unknown>;
  const data = record.data;
  if (typeof data === "string" && isHexString(data) && data.length >= 10) return data;
  for (const nested of [data, record.error, record.info, record.cause]) {
    const found = revertDataOf(nested, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const { shortMessage, message, code } = error as { shortMessage?: unknown; message?: unknown; code?: unknown };
    // ethers could not classify the node's answer ("could not coalesce error"): the node's own words say more,
    // e.g. Hardhat's "Sender doesn't have enough funds to send tx".
    const nested = (error as { error?: { message?: unknown } }).error?.message;
    if (code === "UNKNOWN_ERROR" && typeof nested === "string" && nested.length > 0) return nested;
    if (typeof shortMessage === "string" && shortMessage.length > 0) return shortMessage;
    if (typeof message === "string" && message.length > 0) return message;
  }
  return String(error);
}

/** The enum behind each enum-typed argument of the suite's custom errors (`Error.argument`). */
const ENUM_ARGUMENTS: Record<string, Record<string, number> | undefined> = {
  "EntityRegistryUnexpectedStatus.current": Status,
  "EntityRegistryUnexpectedStatus.expected": Status,
  "PenaltyCasesAccusedNotActive.status": Status,
  "PenaltyCasesUnexpectedState.current": CaseState,
  "PenaltyCasesUnexpectedState.expected": CaseState,
  "TrustLedgerInvalidReason.reason": TrustChangeReason,
};

function formatArgument(input: ParamType, value: unknown, enumeration?: Record<string, number>): string {
  const name = Object.keys(enumeration ?? {}).find((key) => BigInt(enumeration![key]) === value);
  const formatted = name === undefined ? formatValue(input, value) : `${name} (${value})`;
  return input.name === "" ? formatted : `${input.name}: ${formatted}`;
}

function formatValue(type: ParamType, value: unknown): string {
  if (type.isArray()) {
    const items = value as unknown[];
    return `[${items.map((item) => formatValue(type.arrayChildren, item)).join(", ")}]`;
  }
  if (type.isTuple()) {
    const items = value as unknown[];
    return `(${type.components.map((component, i) => formatArgument(component, items[i])).join(", ")})`;
  }
  if (type.baseType === "string") return JSON.stringify(value);
  return String(value);
}
