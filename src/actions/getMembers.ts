import { toBeHex, zeroPadValue } from "ethers";

import { DEFAULT_MAX_LOGS_RANGE, blockRanges } from "../blockRanges.js";
import type { EntityRegistry } from "../../types/index.js";

export interface GetMembersParameters {
  registry: EntityRegistry;
  orgId: bigint;
  /** First block to search (default: the organization's join request, before which it had no members). */
  fromBlock?: number;
  /** Last block to search (default: the latest block). */
  toBlock?: number;
  /** Blocks per `eth_getLogs` request (default DEFAULT_MAX_LOGS_RANGE, Besu's limit). */
  maxLogsRange?: number;
}

/** A member account of an organization. */
export interface Member {
  account: string;
  /** Whether it is the organization's admin account. */
  admin: boolean;
  /** The block it was bound to the organization at (the join request for the first admin). */
  addedAt: number;
  /** The account that bound it (the organization's admin, or whoever submitted the join request). */
  addedBy: string;
}

export type GetMembersReturnType = Member[];

/**
 * The organization's member accounts, replayed from the registry's events (JoinRequested, MemberAdded,
 * MemberRemoved, AdminTransferred), in the order they were added; the registry keeps only their count. The
 * count read at `toBlock` is checked against the replay, so a `fromBlock` after some additions fails rather than
 * return a short list.
 */
export async function getMembers(parameters: GetMembersParameters): Promise<GetMembersReturnType> {
  const { registry, orgId, maxLogsRange = DEFAULT_MAX_LOGS_RANGE } = parameters;
  const provider = registry.runner?.provider;
  if (provider == null) throw new Error("getMembers needs a registry connected to a provider");
  const toBlock = parameters.toBlock ?? (await provider.getBlockNumber());
  const org = await registry.organization(orgId, { blockTag: toBlock });
  const fromBlock = parameters.fromBlock ?? Number(org.requestedAt);
  if (!Number.isSafeInteger(maxLogsRange) || maxLogsRange < 1) throw new Error("maxLogsRange must be at least 1");
  if (fromBlock > toBlock) throw new Error(`fromBlock ${fromBlock} is after toBlock ${toBlock}`);

  const events = ["JoinRequested", "MemberAdded", "MemberRemoved", "AdminTransferred"] as const;
  const topics = [events.map((name) => registry.interface.getEvent(name).topicHash), zeroPadValue(toBeHex(orgId), 32)];
  const address = await registry.getAddress();
  const members = new Map<string, Member>();
  for (const [start, end] of blockRanges(fromBlock, toBlock, maxLogsRange)) {
    // eth_getLogs returns logs in chain order: block, then index within the block.
    for (const log of await provider.getLogs({ address, topics, fromBlock: start, toBlock: end })) {
      const event = registry.interface.parseLog(log)!;
      const { args } = event;
      switch (event.name) {
        case "JoinRequested":
          members.set(args.admin, {
            account: args.admin,
            admin: true,
            addedAt: log.blockNumber,
            addedBy: args.submittedBy,
          });
          break;
        case "MemberAdded":
          members.set(args.account, {
            account: args.account,
            admin: false,
            addedAt: log.blockNumber,
            addedBy: args.by,
          });
          break;
        case "MemberRemoved":
          members.delete(args.account);
          break;
        case "AdminTransferred":
          for (const member of members.values()) member.admin = member.account === args.newAdmin;
          break;
      }
    }
  }
  if (BigInt(members.size) !== org.memberCount) {
    throw new Error(
      `the events from block ${fromBlock} show ${members.size} members of organization ${orgId}, the registry ` +
        `counts ${org.memberCount}: search from an earlier block`,
    );
  }
  return [...members.values()];
}
