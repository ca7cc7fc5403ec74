import { expect } from "chai";

import { ONE } from "../../src/constants.js";
import { toFixed } from "../../src/fixedPoint.js";
import { formatDelta, formatFixed, renderTable } from "../../src/format.js";

describe("formatFixed", () => {
  it("formats with the given decimals, rounding half up", () => {
    expect(formatFixed(toFixed("0.53"))).to.equal("0.5300");
    expect(formatFixed(toFixed("0.53") - 1n)).to.equal("0.5300");
    expect(formatFixed((2n * ONE) / 3n)).to.equal("0.6667");
    expect(formatFixed(ONE / 3n, 2)).to.equal("0.33");
    expect(formatFixed(toFixed("0.12345"), 4)).to.equal("0.1235");
    expect(formatFixed(toFixed("0.12344"), 4)).to.equal("0.1234");
    expect(formatFixed(ONE, 0)).to.equal("1");
    expect(formatFixed(123n, 18)).to.equal("0.000000000000000123");
    expect(formatFixed(0n)).to.equal("0.0000");
  });

  it("keeps the sign of a negative value, but not of one that rounds to zero", () => {
    expect(formatFixed(-toFixed("0.25"))).to.equal("-0.2500");
    expect(formatFixed(-1n)).to.equal("0.0000");
  });

  describe("throws", () => {
    it("when digits is out of [0, 18]", () => {
      expect(() => formatFixed(ONE, 19)).to.throw("digits must be in [0, 18], not 19");
    });
  });
});

describe("formatDelta", () => {
  it("always shows the sign", () => {
    expect(formatDelta(toFixed("0.0123"))).to.equal("+0.0123");
    expect(formatDelta(-toFixed("0.0456"))).to.equal("-0.0456");
    expect(formatDelta(0n)).to.equal("+0.0000");
    expect(formatDelta(-1n)).to.equal("+0.0000");
  });
});

describe("renderTable", () => {
  it("pads each column to its widest cell, left-aligns the first and right-aligns the others", () => {
    const table = renderTable(
      ["org", "trust"],
      [
        ["#1 Aegis", "0.5300"],
        ["#2 B", "1"],
      ],
    );
    expect(table.split("\n")).to.deep.equal([
      "org        trust",
      "--------  ------",
      "#1 Aegis  0.5300",
      "#2 B           1",
    ]);
  });

  it("honours alignment, gap and indent, pads short rows and trims trailing spaces", () => {
    const table = renderTable(
      ["a", "b", "c"],
      [
        ["x", "yy"],
        ["long", "z", "w"],
      ],
      {
        align: ["right", "left", "left"],
        gap: 1,
        indent: "  ",
      },
    );
    expect(table.split("\n")).to.deep.equal(["     a b  c", "  ---- -- -", "     x yy", "  long z  w"]);
  });
});
