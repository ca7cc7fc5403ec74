// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/**
 * @title ERC1271WalletMock
 * @notice A minimal ERC-1271 contract wallet for tests: it approves a digest signed (ECDSA) by its owner and
 * refuses anything else. It stands for a multisig or smart account that a member organization binds as one of
 * its member accounts, to vote on penalty cases by signature.
 * @dev Uses only ECDSA (no SignatureChecker, nothing that needs `mcopy`): the suite targets Shanghai.
 */
contract ERC1271WalletMock is IERC1271 {
    /// @notice The account whose ECDSA signatures the wallet accepts.
    address public immutable OWNER;

    /// @notice Creates a wallet owned by `owner`.
    /// @param owner The account whose signatures the wallet accepts.
    constructor(address owner) {
        OWNER = owner;
    }

    /**
     * @notice ERC-1271: whether `signature` is the owner's ECDSA signature of `hash`.
     * @param hash The signed digest.
     * @param signature A 65-byte ECDSA signature.
     * @return magicValue `IERC1271.isValidSignature.selector` when valid, else `0xffffffff`.
     */
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4 magicValue) {
        (address recovered, ECDSA.RecoverError error, ) = ECDSA.tryRecoverCalldata(hash, signature);
        if (error == ECDSA.RecoverError.NoError && recovered == OWNER) return IERC1271.isValidSignature.selector;
        return bytes4(0xffffffff);
    }
}
