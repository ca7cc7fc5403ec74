// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/**
 * @title BenchVotesToken
 * @notice Benchmark peer only, never deployed to a network: the OpenZeppelin Wizard's ERC20Votes token (ERC20 +
 * ERC20Permit + ERC20Votes) that {BenchGovernor} counts votes with. Compiled for Cancun (OpenZeppelin 5.7's
 * EIP712 reaches `mcopy`), unlike the suite.
 */
contract BenchVotesToken is ERC20, ERC20Permit, ERC20Votes {
    /// @param holders The accounts that receive `amount` tokens each (they still have to delegate to vote).
    /// @param amount The tokens minted to each holder.
    constructor(address[] memory holders, uint256 amount) ERC20("Bench Votes", "BVOTE") ERC20Permit("Bench Votes") {
        for (uint256 i = 0; i < holders.length; ++i) {
            _mint(holders[i], amount);
        }
    }

    /// @inheritdoc Nonces
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    /// @dev Both ERC20 and ERC20Votes define `_update`; ERC20Votes moves the voting units.
    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }
}
