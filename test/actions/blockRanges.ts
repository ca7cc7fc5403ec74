import { expect } from "chai";

import { blockRanges } from "../../src/blockRanges.js";

describe("blockRanges", function () {
  it("covers the range in order with spans of at most the size, the last one cut at toBlock", function () {
    expect(blockRanges(3, 12, 4)).to.deep.equal([
      [3, 6],
      [7, 10],
      [11, 12],
    ]);
    expect(blockRanges(5, 5, 1000)).to.deep.equal([[5, 5]]);
    expect(blockRanges(0, 7, 1)).to.have.length(8);
  });

  it("is empty when fromBlock is after toBlock", function () {
    expect(blockRanges(10, 9, 4)).to.deep.equal([]);
  });

  it("refuses a size under 1 or not an integer", function () {
    expect(() => blockRanges(0, 10, 0)).to.throw(/at least 1, got 0/);
    expect(() => blockRanges(0, 10, 1.5)).to.throw(/at least 1, got 1.5/);
  });
});
