// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/**
 * @dev Test-only: a constructor that writes every storage shape besu-network/src/storageLayout.ts encodes
 * (packed value types, packed and unpacked dynamic arrays, mappings with address / uint / bytes32 keys, nested
 * mappings), so a test can compare the encoder's slots with what solc really writes.
 */
contract GenesisStorageProbe {
    bool public flag;
    uint8 public small;
    address public owner;
    uint256 public big;
    bytes4 public tag;
    uint64[] public packed;
    address[] public accounts;
    mapping(address account => uint256) public balances;
    mapping(uint256 id => address) public owners;
    mapping(bytes32 key => bool) public seen;
    mapping(bytes32 key => mapping(address account => uint16)) public nested;

    constructor(address anOwner, uint64[] memory somePacked, address[] memory someAccounts, bytes32 key) {
        flag = true;
        small = 7;
        owner = anOwner;
        big = type(uint256).max - 1;
        tag = 0xdeadbeef;
        for (uint256 i = 0; i < somePacked.length; ++i) packed.push(somePacked[i]);
        for (uint256 i = 0; i < someAccounts.length; ++i) {
            accounts.push(someAccounts[i]);
            balances[someAccounts[i]] = i + 1;
            owners[i + 100] = someAccounts[i];
            nested[key][someAccounts[i]] = uint16(i + 500);
        }
        seen[key] = true;
    }
}
