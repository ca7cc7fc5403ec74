// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;
import {Test} from "forge-std/Test.sol";
import {TrustMath} from "../../contracts/trust/TrustMath.sol";
contract ProbeTest is Test {
    function testFuzz_decay(uint256 v, uint256 e) public pure {
        v = bound(v, 0, 1e18);
        e = bound(e, 0, 1e9);
        assertLe(TrustMath.decay(v, 5e17, e, 1000), v);
    }
}
