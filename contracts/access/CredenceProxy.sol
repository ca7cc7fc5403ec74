// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

/**
 * @title CredenceProxy
 * @notice The ERC-1967 proxy in front of each upgradeable (UUPS) Credence contract. Named here so that
 * deployment modules and tests have an artifact and generated types for it.
 */
contract CredenceProxy is ERC1967Proxy {
    /// @param implementation The first implementation.
    /// @param data The encoded `initialize` call.
    constructor(address implementation, bytes memory data) payable ERC1967Proxy(implementation, data) {}
}
