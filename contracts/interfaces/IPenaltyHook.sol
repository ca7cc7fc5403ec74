// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/**
 * @title IPenaltyHook
 * @notice What the TrustLedger calls when a platform rating's integrity or intent falls under the flag
 * threshold. The penalty contract implements it to open a case with the platform as reporter. (A peer's low
 * rating is only signalled by an event: peers open cases themselves, with a bond.)
 *
 * NOTE: the call is made inside the rating transaction and a revert propagates: a rating that should raise a
 * flag is never applied without it. Governance sets the hook; a faulty hook blocks low-integrity ratings
 * until it is replaced or unset.
 */
interface IPenaltyHook {
    /**
     * @notice A low-integrity or low-intent rating was applied to `orgId`.
     * @param orgId The rated organization.
     * @param contributionId The rated contribution.
     * @param rater The account that submitted the rating.
     * @param integrity The integrity score (18 decimals).
     * @param intent The intent score (18 decimals).
     * @param evidenceHash The rating's evidence hash.
     */
    function onLowIntegrity(
        uint256 orgId,
        bytes32 contributionId,
        address rater,
        uint64 integrity,
        uint64 intent,
        bytes32 evidenceHash
    ) external;
}
