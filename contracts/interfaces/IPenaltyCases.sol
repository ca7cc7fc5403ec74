// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IPenaltyHook} from "./IPenaltyHook.sol";

/**
 * @title IPenaltyCases
 * @notice The penalty mechanism of a Credence community: a member flags a suspicious organization, the member
 * organizations vote weighted by their trust, a ratifier confirms or overturns the outcome, and the case ends
 * in expulsion or in affirmation with an inquiry into the reporter.
 *
 * A case's snapshot is the block before it was opened: vote weights are the organizations' trust then
 * ({ITrustLedger-trustAt}), so trust gained or moved once a flag is visible counts for nothing. The quorum is a
 * share of the total trust at the snapshot. Every step costs constant gas, whatever the number of members,
 * votes or past cases: tallies are running sums, and recommenders' liability is applied one recommender per call.
 *
 * State machine: `Pending` (voting delay) -> `Active` (voting) -> `Succeeded` (the vote says expel) or
 * `Defeated` (it says keep) -> `Executed` (expelled) or `Dismissed` (kept). While `Succeeded` or `Defeated`, the
 * ratifier may confirm or overturn the vote's outcome until the ratification deadline; after it, anyone may
 * execute the vote's outcome, so silence cannot stall a case.
 */
interface IPenaltyCases is IPenaltyHook {
    // ------------------------------------------------------------------ types

    /// @notice A case's state. `None`: no such case.
    enum CaseState {
        None,
        Pending,
        Active,
        Defeated,
        Succeeded,
        Executed,
        Dismissed
    }

    /// @notice A ballot: keep the organization, expel it, or abstain (counts for quorum only).
    enum VoteType {
        Keep,
        Expel,
        Abstain
    }

    /**
     * @notice The mechanism's parameters. Shares and thresholds are 18-decimal fractions; durations are clock
     * units (blocks). Packed in three slots.
     * @param reportingThreshold Lowest trust of a reporter organization.
     * @param bondShare Share of the reporter organization's trust locked as a bond while its case runs.
     * @param quorumShare Share of the total trust at the snapshot that the cast weight (abstentions included)
     * must reach.
     * @param expelThreshold Share of the Expel + Keep weight that Expel must reach for the vote to succeed.
     * @param misuseThreshold A dismissed case whose vote reached its quorum and whose Expel share is below this
     * was a misuse: the bond is forfeited. (A vote short of its quorum, or with no Expel or Keep vote at all, is
     * no verdict: the bond is released.)
     * @param liabilityShare Share of a recommender's trust lost when its candidate is expelled within the window.
     * @param votingDelay Blocks from the flag to the start of voting.
     * @param votingPeriod Blocks of voting.
     * @param ratificationWindow Blocks after voting in which the ratifier may decide.
     * @param misuseWindow Blocks over which a reporter's misuses are counted.
     * @param barPeriod Blocks a reporter organization is barred from flagging after too many misuses.
     * @param liabilityWindow Blocks after activation during which recommenders are liable.
     * @param maxMisuses Misuses within the window that bar the reporter.
     * NOTE: a case keeps the quorum and the two thresholds in force when it was opened, and the liability terms
     * in force when it expelled; the misuse window, maximum and bar period are those in force at its resolution.
     */
    struct PenaltyParameters {
        uint64 reportingThreshold;
        uint64 bondShare;
        uint64 quorumShare;
        uint64 expelThreshold;
        uint64 misuseThreshold;
        uint64 liabilityShare;
        uint48 votingDelay;
        uint48 votingPeriod;
        uint48 ratificationWindow;
        uint48 misuseWindow;
        uint48 barPeriod;
        uint48 liabilityWindow;
        uint16 maxMisuses;
    }

    /**
     * @notice A case, as {getCase} returns it (stored packed in six slots). The thresholds in force when it was
     * opened are kept with it, so a later parameter change never alters an open case's outcome.
     * @param accusedId The flagged organization.
     * @param reporterId The reporter organization; 0 when the platform opened the case (no bond).
     * @param reporter The account that flagged (the platform's account for a platform case).
     * @param snapshot The block whose trust weighs the votes (the block before the flag).
     * @param voteStart First block of voting.
     * @param voteEnd Last block of voting.
     * @param ratificationDeadline Last block in which the ratifier may decide.
     * @param resolvedAt Block of the resolution (0 while open).
     * @param bond Trust locked from the reporter organization.
     * @param reasonCode The reporter's reason code (community-defined).
     * @param resolution `None` while open, then `Executed` or `Dismissed`.
     * @param finalized Whether the vote's outcome was recorded ({finalize}).
     * @param ratified Whether the ratifier decided (else the vote's outcome was executed after the deadline).
     * @param quorum The cast weight the vote needs (quorumShare of the total trust at the snapshot).
     * @param expelWeight Trust cast for Expel.
     * @param keepWeight Trust cast for Keep.
     * @param expelThreshold The expel threshold in force when the case was opened.
     * @param abstainWeight Trust cast as Abstain.
     * @param misuseThreshold The misuse threshold in force when the case was opened.
     * @param evidenceHash Hash of the reporter's off-chain evidence.
     */
    struct Case {
        uint256 accusedId;
        uint256 reporterId;
        address reporter;
        uint48 snapshot;
        uint48 voteStart;
        uint48 voteEnd;
        uint48 ratificationDeadline;
        uint48 resolvedAt;
        uint64 bond;
        uint16 reasonCode;
        CaseState resolution;
        bool finalized;
        bool ratified;
        uint96 quorum;
        uint96 expelWeight;
        uint64 expelThreshold;
        uint96 keepWeight;
        uint96 abstainWeight;
        uint64 misuseThreshold;
        bytes32 evidenceHash;
    }

    /**
     * @notice A reporter organization's misuse record. One slot.
     * @param misuses Misuses counted in the current window.
     * @param windowStart First block of the current window.
     * @param barredUntil Last block of the current bar (0: none).
     */
    struct ReporterRecord {
        uint16 misuses;
        uint48 windowStart;
        uint48 barredUntil;
    }

    // ------------------------------------------------------------------ events

    /// @notice A case was opened.
    event CaseOpened(
        uint256 indexed caseId,
        uint256 indexed accusedId,
        uint256 indexed reporterId,
        address reporter,
        uint16 reasonCode,
        bytes32 evidenceHash,
        uint48 snapshot,
        uint48 voteStart,
        uint48 voteEnd,
        uint256 bond,
        uint256 quorum
    );

    /// @notice An organization voted (through `voter`, directly or by signature).
    event VoteCast(
        uint256 indexed caseId,
        uint256 indexed voterOrgId,
        address indexed voter,
        VoteType support,
        uint256 weight
    );

    /// @notice The vote's outcome was recorded.
    event CaseFinalized(
        uint256 indexed caseId,
        CaseState outcome,
        uint256 expelWeight,
        uint256 keepWeight,
        uint256 abstainWeight,
        uint256 quorum
    );

    /// @notice The ratifier confirmed (`expel` equal to the vote's outcome) or overturned the vote.
    event CaseRatified(
        uint256 indexed caseId,
        address indexed ratifier,
        bool expel,
        bool overturned,
        bytes32 reasonHash
    );

    /// @notice The case ended: the organization was expelled (`expelled`) or kept.
    event CaseResolved(uint256 indexed caseId, uint256 indexed accusedId, bool expelled, bool ratified);

    /// @notice The reporter's bond went back to it.
    event BondReleased(uint256 indexed caseId, uint256 indexed reporterId, uint256 amount);

    /// @notice The reporter's bond was forfeited: the flag was a misuse.
    event BondForfeited(uint256 indexed caseId, uint256 indexed reporterId, uint256 amount, uint256 expelShare);

    /// @notice A reporter organization's misuse was counted; `barredUntil` is non-zero when it is now barred.
    event ReporterMisuseRecorded(uint256 indexed reporterId, uint256 misuses, uint48 barredUntil);

    /// @notice A recommender of an expelled organization paid its liability.
    event LiabilityApplied(uint256 indexed caseId, uint256 indexed recommenderId, uint256 amount);

    /// @notice A platform low-integrity signal did not open a case (one is open, or the organization is not Active).
    event PlatformSignalIgnored(uint256 indexed accusedId, bytes32 indexed contributionId, uint256 openCaseId);

    /// @notice The parameters changed.
    event PenaltyParametersUpdated(PenaltyParameters parameters);

    // ------------------------------------------------------------------ errors

    /// @notice No case has this id.
    error PenaltyCasesUnknownCase(uint256 caseId);

    /// @notice The case is in state `current`; the operation needs `expected`.
    error PenaltyCasesUnexpectedState(uint256 caseId, CaseState current, CaseState expected);

    /// @notice The account is not a member account of an Active organization.
    error PenaltyCasesNotActiveMember(address account);

    /// @notice The reporter organization's trust is under the reporting threshold.
    error PenaltyCasesReporterBelowThreshold(uint256 reporterId, uint256 trust, uint256 threshold);

    /// @notice The reporter organization is barred from flagging until `barredUntil`.
    error PenaltyCasesReporterBarred(uint256 reporterId, uint48 barredUntil);

    /// @notice An organization cannot flag itself.
    error PenaltyCasesSelfFlag(uint256 orgId);

    /// @notice Only Active organizations can be flagged (`status` is the registry status).
    error PenaltyCasesAccusedNotActive(uint256 accusedId, uint8 status);

    /// @notice The organization already has an open case.
    error PenaltyCasesCaseAlreadyOpen(uint256 accusedId, uint256 caseId);

    /// @notice The organization already voted on this case.
    error PenaltyCasesAlreadyVoted(uint256 caseId, uint256 voterOrgId);

    /// @notice The accused organization cannot vote on its own case.
    error PenaltyCasesAccusedCannotVote(uint256 caseId, uint256 accusedId);

    /// @notice The reporter organization cannot vote on the case it opened (its flag is its say; the bond its stake).
    error PenaltyCasesReporterCannotVote(uint256 caseId, uint256 reporterId);

    /// @notice The vote type is not Keep (0), Expel (1) or Abstain (2).
    error PenaltyCasesInvalidVoteType(uint8 support);

    /// @notice The organization had no trust at the case's snapshot, so its vote would weigh nothing.
    error PenaltyCasesNoWeight(uint256 caseId, uint256 voterOrgId);

    /// @notice The signature is not the voter's for this ballot and nonce.
    error PenaltyCasesInvalidSignature(address voter);

    /// @notice The signed ballot's deadline (a timestamp) has passed.
    error PenaltyCasesExpiredSignature(uint256 deadline);

    /// @notice The vote's outcome was already recorded.
    error PenaltyCasesAlreadyFinalized(uint256 caseId);

    /// @notice The ratification window closed at `deadline`; execute the vote's outcome instead.
    error PenaltyCasesRatificationClosed(uint256 caseId, uint48 deadline);

    /// @notice The ratification window is open until `deadline`; only the ratifier may decide until then.
    error PenaltyCasesRatificationOpen(uint256 caseId, uint48 deadline);

    /// @notice The organization did not recommend the expelled one, or the case did not expel it.
    error PenaltyCasesNotLiable(uint256 caseId, uint256 recommenderId);

    /// @notice This recommender's liability for this case was already applied.
    error PenaltyCasesLiabilityAlreadyApplied(uint256 caseId, uint256 recommenderId);

    /// @notice The organization was expelled more than `liabilityWindow` blocks (in force at the expulsion) after
    /// its activation at `activatedAt`.
    error PenaltyCasesLiabilityWindowPassed(uint256 caseId, uint256 activatedAt);

    /// @notice Only the trust ledger may call the penalty hook.
    error PenaltyCasesOnlyLedger(address caller);

    /// @notice A parameter is out of its range.
    error PenaltyCasesInvalidParameter(string name, uint256 value);

    /// @notice An address argument is zero.
    error PenaltyCasesZeroAddress();

    /**
     * @notice The registry or the ledger given (to `initialize`, or named by a new implementation) is not the
     * one this implementation was built with.
     */
    error PenaltyCasesAddressMismatch(address expected, address actual);

    // ------------------------------------------------------------------ operations

    /**
     * @notice The caller's organization flags `accusedId`, locking a bond of its trust.
     * @param accusedId An Active organization other than the caller's, with no open case.
     * @param reasonCode The community's reason code.
     * @param evidenceHash Hash of the off-chain evidence.
     * @return caseId The new case.
     */
    function flag(uint256 accusedId, uint16 reasonCode, bytes32 evidenceHash) external returns (uint256 caseId);

    /**
     * @notice The caller's organization votes on an Active case; the weight is its trust at the snapshot. The
     * accused and the reporter organizations do not vote.
     * @param caseId The case.
     * @param support Keep (0), Expel (1) or Abstain (2).
     * @return weight The weight counted.
     */
    function castVote(uint256 caseId, uint8 support) external returns (uint256 weight);

    /**
     * @notice Submits `voter`'s signed ballot (EIP-712 `Ballot(uint256 caseId,uint8 support,address voter,
     * uint256 nonce,uint256 deadline)`), so a relayer pays and the member needs no funds. The nonce is the
     * voter's current {nonces}; a replay fails because the nonce moved on.
     * @param caseId The case.
     * @param support Keep (0), Expel (1) or Abstain (2).
     * @param voter The member account that signed.
     * @param deadline Timestamp after which the signature is void.
     * @param signature The voter's signature (EOA or ERC-1271).
     * @return weight The weight counted.
     */
    function castVoteBySig(
        uint256 caseId,
        uint8 support,
        address voter,
        uint256 deadline,
        bytes calldata signature
    ) external returns (uint256 weight);

    /// @notice Records the vote's outcome once voting has ended (anyone may call).
    /// @param caseId The case (Succeeded or Defeated, not yet finalized).
    function finalize(uint256 caseId) external;

    /**
     * @notice The ratifier confirms or overturns the vote's outcome within the ratification window, and the
     * case is resolved at once. Restricted to RATIFIER.
     * @param caseId The case (Succeeded or Defeated).
     * @param expel Whether the organization is expelled.
     * @param reasonHash Hash of the ratifier's reasons.
     */
    function ratify(uint256 caseId, bool expel, bytes32 reasonHash) external;

    /// @notice After the ratification deadline, anyone executes the vote's outcome.
    /// @param caseId The case (Succeeded or Defeated).
    function execute(uint256 caseId) external;

    /**
     * @notice Applies one recommender's liability for a candidate expelled within the liability window (anyone
     * may call, once per recommender; one call per recommender keeps every call's cost constant).
     * @param caseId An Executed case.
     * @param recommenderId An organization that recommended the expelled one.
     * @return amount The trust the recommender lost.
     */
    function applyLiability(uint256 caseId, uint256 recommenderId) external returns (uint256 amount);

    /// @notice Replaces the parameters. Restricted to ADMIN.
    /// @param parameters The new parameters.
    function setParameters(PenaltyParameters calldata parameters) external;

    // ------------------------------------------------------------------ views

    /// @notice A case's current state.
    function state(uint256 caseId) external view returns (CaseState);

    /// @notice A case; reverts for an unknown id.
    function getCase(uint256 caseId) external view returns (Case memory);

    /// @notice The open case of an organization (0: none).
    function openCaseOf(uint256 accusedId) external view returns (uint256);

    /// @notice Whether an organization voted on a case.
    function hasVoted(uint256 caseId, uint256 orgId) external view returns (bool);

    /// @notice A reporter organization's misuse record.
    function reporterRecord(uint256 orgId) external view returns (ReporterRecord memory);

    /// @notice The number of cases ever opened (ids run from 1).
    function caseCount() external view returns (uint256);

    /// @notice The parameters.
    function parameters() external view returns (PenaltyParameters memory);

    /// @notice The next nonce of a voter's signed ballots.
    function nonces(address owner) external view returns (uint256);

    /// @notice The EIP-712 type hash of a ballot.
    // solhint-disable-next-line func-name-mixedcase
    function BALLOT_TYPEHASH() external view returns (bytes32);

    /// @notice The implementation's version.
    function version() external pure returns (string memory);
}
