/**
 * Plain-number assertions for the simulator's tests. Hardhat's chai matchers (loaded whenever a test file of the
 * same run imports hardhat) replace `closeTo`, `above`, `below` and `within` with bigint versions that refuse
 * fractions, so these compare numbers themselves.
 */
import { expect } from "chai";

/** `actual` is within `tolerance` of `expected`. */
export function expectNear(actual: number | undefined, expected: number, tolerance: number, what = ""): void {
  expect(actual, what).to.be.a("number");
  const ok = Math.abs((actual as number) - expected) <= tolerance;
  expect(ok, `${what ? `${what}: ` : ""}${actual} is not within ${tolerance} of ${expected}`).to.equal(true);
}

/** A condition on numbers, with the figures in the message. */
export function expectTrue(condition: boolean, message: string): void {
  expect(condition, message).to.equal(true);
}
