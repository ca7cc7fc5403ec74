import { expect } from "chai";

import { CaseState, Level, VoteType, enumName } from "../../src/constants.js";

describe("enumName", function () {
  it("names a contract enum value given as a bigint or a number", function () {
    expect(enumName(CaseState, 5n)).to.equal("Executed");
    expect(enumName(VoteType, 0)).to.equal("Keep");
    expect(enumName(Level, 3n)).to.equal("High");
  });

  it("refuses a value the enum does not have", function () {
    expect(() => enumName(VoteType, 3n)).to.throw(/unknown enum value 3 \(expected one of Keep, Expel, Abstain\)/);
  });
});
