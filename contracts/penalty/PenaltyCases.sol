// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {NoncesUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/NoncesUpgradeable.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";

import {IEntityRegistry} from "../interfaces/IEntityRegistry.sol";
import {IPenaltyCases} from "../interfaces/IPenaltyCases.sol";
import {IPenaltyHook} from "../interfaces/IPenaltyHook.sol";
import {ITrustLedger} from "../interfaces/ITrustLedger.sol";
import {TrustMath} from "../trust/TrustMath.sol";

/**
 * @title PenaltyCases
 * @notice Flags, trust-weighted community votes, ratification, expulsion or affirmation (see {IPenaltyCases}).
 * @dev UUPS-upgradeable with ERC-7201 namespaced storage. Holds the PENALTY role on the registry (`expel`), and
 * is the ledger's penalty hook (its only caller of `adjustTrust`). The registry and the ledger are immutables of
 * the implementation: every implementation of a proxy is built with the same two addresses, and
 * `_authorizeUpgrade` refuses one that names others. No function loops over members, votes or cases.
 */
contract PenaltyCases is
    IPenaltyCases,
    Initializable,
    AccessManagedUpgradeable,
    UUPSUpgradeable,
    NoncesUpgradeable,
    IERC5267
{
    using SafeCast for uint256;

    /// @custom:storage-location erc7201:credence.storage.PenaltyCases
    struct PenaltyCasesStorage {
        uint256 caseCount;
        PenaltyParameters parameters;
        mapping(uint256 caseId => StoredCase) cases;
        mapping(uint256 accusedId => uint256 caseId) openCase;
        // Who voted: bit `orgId % 256` of word `orgId / 256`. Most votes set a bit in a word already written.
        mapping(uint256 caseId => mapping(uint256 word => uint256 bits)) voted;
        mapping(uint256 orgId => ReporterRecord) reporters;
        mapping(uint256 caseId => mapping(uint256 recommenderId => bool)) liabilityApplied;
        mapping(uint256 caseId => LiabilityTerms) liabilityTerms;
    }

    /**
     * @dev {IPenaltyCases.Case} as stored, in six slots instead of seven, ordered so that a vote reads two: the
     * first (parties, voting period, state flags) and the second (snapshot and the Expel and Keep tallies; an
     * Abstain vote also reads the third). A resolution writes the first and the fifth. Organization ids are the
     * registry's, at most 2^64 - 1 (`EntityRegistryTooManyOrganizations`), so 64 bits hold them.
     */
    struct StoredCase {
        uint64 accusedId;
        uint64 reporterId;
        uint48 voteStart;
        uint48 voteEnd;
        CaseState resolution;
        bool finalized;
        bool ratified;
        uint48 snapshot;
        uint96 expelWeight;
        uint96 keepWeight;
        uint96 abstainWeight;
        uint96 quorum;
        uint64 expelThreshold;
        address reporter;
        uint48 ratificationDeadline;
        uint16 reasonCode;
        uint64 bond;
        uint48 resolvedAt;
        uint64 misuseThreshold;
        bytes32 evidenceHash;
    }

    /// @dev Fixed when a case expels: a later parameter change never alters what recommenders owe. One slot.
    struct LiabilityTerms {
        uint64 share;
        uint48 activatedAt;
        bool liable;
    }

    // keccak256(abi.encode(uint256(keccak256("credence.storage.PenaltyCases")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0xaec0d17df73167b2d3efb876e39c25dd605eed4a19072ef69578e65323bb1f00;

    // EIP-712 is written out here: OpenZeppelin 5.7's EIP712 pulls in `mcopy` (via Strings/Bytes), which the
    // Shanghai target of Besu BFT networks lacks. The domain is computed per call from the chain id and the
    // proxy's address, so it stays right across forks and upgrades.
    bytes32 private constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    string private constant DOMAIN_NAME = "Credence PenaltyCases";
    string private constant DOMAIN_VERSION = "1";

    /// @dev Longest duration parameter: 2^32 - 1 blocks (over 270 years at 2-second blocks).
    uint256 private constant MAX_DURATION = type(uint32).max;

    /// @inheritdoc IPenaltyCases
    bytes32 public constant BALLOT_TYPEHASH = keccak256(
        "Ballot(uint256 caseId,uint8 support,address voter,uint256 nonce,uint256 deadline)"
    );

    /// @dev The EntityRegistry proxy: an immutable, so reading it costs no storage access. Fixed for the proxy's
    /// life, as it was in storage (no setter ever existed).
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IEntityRegistry private immutable REGISTRY;

    /// @dev The TrustLedger proxy, likewise.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ITrustLedger private immutable LEDGER;

    /**
     * @notice Builds an implementation for the proxy that acts on `registry_` and `ledger_`; {initialize} and
     * upgrades accept only those two.
     * @param registry_ The EntityRegistry proxy.
     * @param ledger_ The TrustLedger proxy.
     * @custom:oz-upgrades-unsafe-allow constructor
     */
    constructor(IEntityRegistry registry_, ITrustLedger ledger_) {
        if (address(registry_) == address(0) || address(ledger_) == address(0)) revert PenaltyCasesZeroAddress();
        REGISTRY = registry_;
        LEDGER = ledger_;
        _disableInitializers();
    }

    /**
     * @notice Initializes the proxy.
     * @param authority The suite's AccessManager.
     * @param registry_ The EntityRegistry proxy.
     * @param ledger_ The TrustLedger proxy.
     * @param parameters_ The mechanism's parameters (validated).
     */
    function initialize(
        address authority,
        IEntityRegistry registry_,
        ITrustLedger ledger_,
        PenaltyParameters calldata parameters_
    ) external initializer {
        if (authority == address(0) || address(registry_) == address(0) || address(ledger_) == address(0)) {
            revert PenaltyCasesZeroAddress();
        }
        _checkImplementationAddresses(registry_, ledger_);
        __AccessManaged_init(authority);
        _setParameters(parameters_);
    }

    // ------------------------------------------------------------------ flags

    /// @inheritdoc IPenaltyCases
    function flag(uint256 accusedId, uint16 reasonCode, bytes32 evidenceHash) external returns (uint256 caseId) {
        PenaltyCasesStorage storage $ = _storage();
        uint256 reporterId = _activeOrganizationOf(msg.sender);
        if (reporterId == accusedId) revert PenaltyCasesSelfFlag(reporterId);
        uint48 barredUntil = $.reporters[reporterId].barredUntil;
        if (barredUntil != 0 && clock() <= barredUntil) revert PenaltyCasesReporterBarred(reporterId, barredUntil);
        uint256 trust = LEDGER.trustOf(reporterId);
        uint256 threshold = $.parameters.reportingThreshold;
        if (trust < threshold) revert PenaltyCasesReporterBelowThreshold(reporterId, trust, threshold);
        _checkFlaggable($, accusedId);

        caseId = _open($, accusedId, reporterId, reasonCode, evidenceHash);
        // The bond is taken after the snapshot, so it changes neither the quorum nor anyone's vote weight.
        uint256 bond = Math.mulDiv(trust, $.parameters.bondShare, TrustMath.ONE);
        if (bond != 0) {
            int256 applied = LEDGER.adjustTrust(
                reporterId,
                -int256(bond),
                ITrustLedger.TrustChangeReason.BondLocked,
                bytes32(caseId)
            );
            $.cases[caseId].bond = uint256(-applied).toUint64();
        }
        _emitOpened($, caseId);
    }

    /// @inheritdoc IPenaltyHook
    function onLowIntegrity(
        uint256 orgId,
        bytes32 contributionId,
        address rater,
        uint64 /* integrity */,
        uint64 /* intent */,
        bytes32 evidenceHash
    ) external {
        PenaltyCasesStorage storage $ = _storage();
        if (msg.sender != address(LEDGER)) revert PenaltyCasesOnlyLedger(msg.sender);
        uint256 open = $.openCase[orgId];
        // A platform signal never blocks a rating: with a case already open it only says so.
        if (open != 0 || REGISTRY.statusOf(orgId) != IEntityRegistry.Status.Active) {
            emit PlatformSignalIgnored(orgId, contributionId, open);
            return;
        }
        uint256 caseId = _open($, orgId, 0, 0, evidenceHash);
        $.cases[caseId].reporter = rater;
        _emitOpened($, caseId);
    }

    // ------------------------------------------------------------------ votes

    /// @inheritdoc IPenaltyCases
    function castVote(uint256 caseId, uint8 support) external returns (uint256) {
        return _castVote(caseId, support, msg.sender);
    }

    /// @inheritdoc IPenaltyCases
    function castVoteBySig(
        uint256 caseId,
        uint8 support,
        address voter,
        uint256 deadline,
        bytes calldata signature
    ) external returns (uint256) {
        if (block.timestamp > deadline) revert PenaltyCasesExpiredSignature(deadline);
        bytes32 structHash = keccak256(abi.encode(BALLOT_TYPEHASH, caseId, support, voter, _useNonce(voter), deadline));
        bytes32 digest = keccak256(abi.encodePacked(hex"1901", DOMAIN_SEPARATOR(), structHash));
        if (!_isValidSignature(voter, digest, signature)) revert PenaltyCasesInvalidSignature(voter);
        return _castVote(caseId, support, voter);
    }

    // ------------------------------------------------------------------ outcome

    /// @inheritdoc IPenaltyCases
    function finalize(uint256 caseId) external {
        StoredCase storage c = _existing(caseId);
        if (c.finalized) revert PenaltyCasesAlreadyFinalized(caseId);
        _checkConcluded(caseId, c);
        _finalize(caseId, c);
    }

    /// @inheritdoc IPenaltyCases
    function ratify(uint256 caseId, bool expel, bytes32 reasonHash) external restricted {
        StoredCase storage c = _existing(caseId);
        bool voteExpels = _checkConcluded(caseId, c);
        if (clock() > c.ratificationDeadline) revert PenaltyCasesRatificationClosed(caseId, c.ratificationDeadline);
        if (!c.finalized) _finalize(caseId, c);
        c.ratified = true;
        emit CaseRatified(caseId, msg.sender, expel, expel != voteExpels, reasonHash);
        _resolve(caseId, c, expel);
    }

    /// @inheritdoc IPenaltyCases
    function execute(uint256 caseId) external {
        StoredCase storage c = _existing(caseId);
        bool voteExpels = _checkConcluded(caseId, c);
        if (clock() <= c.ratificationDeadline) revert PenaltyCasesRatificationOpen(caseId, c.ratificationDeadline);
        if (!c.finalized) _finalize(caseId, c);
        _resolve(caseId, c, voteExpels);
    }

    /// @inheritdoc IPenaltyCases
    function applyLiability(uint256 caseId, uint256 recommenderId) external returns (uint256 amount) {
        PenaltyCasesStorage storage $ = _storage();
        StoredCase storage c = _existing(caseId);
        if (c.resolution != CaseState.Executed) {
            revert PenaltyCasesUnexpectedState(caseId, _state(c), CaseState.Executed);
        }
        if ($.liabilityApplied[caseId][recommenderId]) {
            revert PenaltyCasesLiabilityAlreadyApplied(caseId, recommenderId);
        }
        if (REGISTRY.recommendation(c.accusedId, recommenderId).recommendedAt == 0) {
            revert PenaltyCasesNotLiable(caseId, recommenderId);
        }
        LiabilityTerms memory terms = $.liabilityTerms[caseId];
        if (!terms.liable) revert PenaltyCasesLiabilityWindowPassed(caseId, terms.activatedAt);
        $.liabilityApplied[caseId][recommenderId] = true;
        // A recommender that has since left (expelled) has nothing left to lose.
        if (REGISTRY.statusOf(recommenderId) != IEntityRegistry.Status.Active) return 0;
        uint256 loss = Math.mulDiv(LEDGER.trustOf(recommenderId), terms.share, TrustMath.ONE);
        int256 applied = LEDGER.adjustTrust(
            recommenderId,
            -int256(loss),
            ITrustLedger.TrustChangeReason.Liability,
            bytes32(caseId)
        );
        amount = uint256(-applied);
        emit LiabilityApplied(caseId, recommenderId, amount);
    }

    /// @inheritdoc IPenaltyCases
    function setParameters(PenaltyParameters calldata parameters_) external restricted {
        _setParameters(parameters_);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IPenaltyCases
    function state(uint256 caseId) external view returns (CaseState) {
        return _state(_storage().cases[caseId]);
    }

    /// @inheritdoc IPenaltyCases
    function getCase(uint256 caseId) external view returns (Case memory) {
        StoredCase storage c = _existing(caseId);
        return
            Case({
                accusedId: c.accusedId,
                reporterId: c.reporterId,
                reporter: c.reporter,
                snapshot: c.snapshot,
                voteStart: c.voteStart,
                voteEnd: c.voteEnd,
                ratificationDeadline: c.ratificationDeadline,
                resolvedAt: c.resolvedAt,
                bond: c.bond,
                reasonCode: c.reasonCode,
                resolution: c.resolution,
                finalized: c.finalized,
                ratified: c.ratified,
                quorum: c.quorum,
                expelWeight: c.expelWeight,
                expelThreshold: c.expelThreshold,
                keepWeight: c.keepWeight,
                abstainWeight: c.abstainWeight,
                misuseThreshold: c.misuseThreshold,
                evidenceHash: c.evidenceHash
            });
    }

    /// @inheritdoc IPenaltyCases
    function openCaseOf(uint256 accusedId) external view returns (uint256) {
        return _storage().openCase[accusedId];
    }

    /// @inheritdoc IPenaltyCases
    function hasVoted(uint256 caseId, uint256 orgId) external view returns (bool) {
        return _storage().voted[caseId][orgId >> 8] & (1 << (orgId & 0xff)) != 0;
    }

    /// @inheritdoc IPenaltyCases
    function reporterRecord(uint256 orgId) external view returns (ReporterRecord memory) {
        return _storage().reporters[orgId];
    }

    /// @notice The entity registry the cases act on.
    function registry() external view returns (IEntityRegistry) {
        return REGISTRY;
    }

    /// @notice The trust ledger that weighs the votes.
    function ledger() external view returns (ITrustLedger) {
        return LEDGER;
    }

    /// @inheritdoc IPenaltyCases
    function caseCount() external view returns (uint256) {
        return _storage().caseCount;
    }

    /// @inheritdoc IPenaltyCases
    function parameters() external view returns (PenaltyParameters memory) {
        return _storage().parameters;
    }

    /// @inheritdoc IPenaltyCases
    function nonces(address owner) public view override(IPenaltyCases, NoncesUpgradeable) returns (uint256) {
        return super.nonces(owner);
    }

    /// @inheritdoc IPenaltyCases
    function version() external pure virtual returns (string memory) {
        return "1.1.0";
    }

    /// @notice The EIP-712 domain separator of signed ballots.
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() public view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    DOMAIN_TYPEHASH,
                    keccak256(bytes(DOMAIN_NAME)),
                    keccak256(bytes(DOMAIN_VERSION)),
                    block.chainid,
                    address(this)
                )
            );
    }

    /// @notice The EIP-712 domain (ERC-5267), for wallets that build the ballot to sign.
    function eip712Domain()
        external
        view
        returns (bytes1, string memory, string memory, uint256, address, bytes32, uint256[] memory)
    {
        return (hex"0f", DOMAIN_NAME, DOMAIN_VERSION, block.chainid, address(this), bytes32(0), new uint256[](0));
    }

    /// @notice The clock of the suite: the block number (as the ledger's ERC-6372 clock).
    function clock() public view returns (uint48) {
        return Time.blockNumber();
    }

    // ------------------------------------------------------------------ internals

    /// @dev Opens a case against `accusedId`; the snapshot is the previous block, the quorum is fixed now.
    function _open(
        PenaltyCasesStorage storage $,
        uint256 accusedId,
        uint256 reporterId,
        uint16 reasonCode,
        bytes32 evidenceHash
    ) private returns (uint256 caseId) {
        PenaltyParameters storage p = $.parameters;
        uint48 now_ = clock();
        uint48 snapshot = now_ - 1;
        uint48 voteStart = now_ + p.votingDelay;
        uint48 voteEnd = voteStart + p.votingPeriod;
        caseId = ++$.caseCount;
        StoredCase storage c = $.cases[caseId];
        // Registry ids: at most 2^64 - 1 (see {StoredCase}).
        c.accusedId = uint64(accusedId);
        c.reporterId = uint64(reporterId);
        c.reporter = msg.sender;
        c.snapshot = snapshot;
        c.voteStart = voteStart;
        c.voteEnd = voteEnd;
        c.ratificationDeadline = voteEnd + p.ratificationWindow;
        c.reasonCode = reasonCode;
        c.evidenceHash = evidenceHash;
        c.quorum = Math.mulDiv(LEDGER.totalTrustAt(snapshot), p.quorumShare, TrustMath.ONE).toUint96();
        c.expelThreshold = p.expelThreshold;
        c.misuseThreshold = p.misuseThreshold;
        $.openCase[accusedId] = caseId;
    }

    function _emitOpened(PenaltyCasesStorage storage $, uint256 caseId) private {
        StoredCase storage c = $.cases[caseId];
        emit CaseOpened(
            caseId,
            c.accusedId,
            c.reporterId,
            c.reporter,
            c.reasonCode,
            c.evidenceHash,
            c.snapshot,
            c.voteStart,
            c.voteEnd,
            c.bond,
            c.quorum
        );
    }

    function _checkFlaggable(PenaltyCasesStorage storage $, uint256 accusedId) private view {
        IEntityRegistry.Status status = REGISTRY.statusOf(accusedId);
        if (status != IEntityRegistry.Status.Active) revert PenaltyCasesAccusedNotActive(accusedId, uint8(status));
        uint256 open = $.openCase[accusedId];
        if (open != 0) revert PenaltyCasesCaseAlreadyOpen(accusedId, open);
    }

    /**
     * @dev An EOA's ECDSA signature, or an ERC-1271 contract wallet's approval. OpenZeppelin's SignatureChecker
     * does the same but uses `mcopy`, which Shanghai (the suite's EVM target, for Besu BFT networks) lacks.
     */
    function _isValidSignature(address signer, bytes32 digest, bytes calldata signature) private view returns (bool) {
        if (signer.code.length == 0) {
            (address recovered, ECDSA.RecoverError error, ) = ECDSA.tryRecover(digest, signature);
            return error == ECDSA.RecoverError.NoError && recovered == signer;
        }
        (bool success, bytes memory result) = signer.staticcall(
            abi.encodeCall(IERC1271.isValidSignature, (digest, signature))
        );
        return
            success &&
            result.length >= 32 &&
            abi.decode(result, (bytes32)) == bytes32(IERC1271.isValidSignature.selector);
    }

    function _castVote(uint256 caseId, uint8 support, address voter) private returns (uint256 weight) {
        PenaltyCasesStorage storage $ = _storage();
        StoredCase storage c = _existing(caseId);
        CaseState current = _state(c);
        if (current != CaseState.Active) revert PenaltyCasesUnexpectedState(caseId, current, CaseState.Active);
        if (support > uint8(VoteType.Abstain)) revert PenaltyCasesInvalidVoteType(support);
        uint256 voterOrgId = _activeOrganizationOf(voter);
        if (voterOrgId == c.accusedId) revert PenaltyCasesAccusedCannotVote(caseId, voterOrgId);
        // The reporter has spoken by flagging, with its bond at stake; its vote would also shield it from the
        // misuse inquiry, which weighs the community's Expel share.
        if (voterOrgId == c.reporterId) revert PenaltyCasesReporterCannotVote(caseId, voterOrgId);
        mapping(uint256 => uint256) storage voted = $.voted[caseId];
        uint256 bits = voted[voterOrgId >> 8];
        uint256 bit = 1 << (voterOrgId & 0xff);
        if (bits & bit != 0) revert PenaltyCasesAlreadyVoted(caseId, voterOrgId);
        weight = LEDGER.trustAt(voterOrgId, c.snapshot);
        if (weight == 0) revert PenaltyCasesNoWeight(caseId, voterOrgId);
        voted[voterOrgId >> 8] = bits | bit;
        // Each weight is at most 1e18; their sum is at most the total trust (< 2^96 for up to 79 billion members).
        if (support == uint8(VoteType.Expel)) c.expelWeight += uint96(weight);
        else if (support == uint8(VoteType.Keep)) c.keepWeight += uint96(weight);
        else c.abstainWeight += uint96(weight);
        emit VoteCast(caseId, voterOrgId, voter, VoteType(support), weight);
    }

    /// @dev Reverts unless voting is over and the case is unresolved; returns whether the vote says expel.
    function _checkConcluded(uint256 caseId, StoredCase storage c) private view returns (bool voteExpels) {
        CaseState current = _state(c);
        if (current != CaseState.Succeeded && current != CaseState.Defeated) {
            revert PenaltyCasesUnexpectedState(caseId, current, CaseState.Succeeded);
        }
        return current == CaseState.Succeeded;
    }

    function _finalize(uint256 caseId, StoredCase storage c) private {
        c.finalized = true;
        emit CaseFinalized(caseId, _voteOutcome(c), c.expelWeight, c.keepWeight, c.abstainWeight, c.quorum);
    }

    /// @dev Ends the case: expulsion (bond back to the reporter) or affirmation (inquiry into the reporter).
    function _resolve(uint256 caseId, StoredCase storage c, bool expel) private {
        PenaltyCasesStorage storage $ = _storage();
        c.resolution = expel ? CaseState.Executed : CaseState.Dismissed;
        c.resolvedAt = clock();
        delete $.openCase[c.accusedId];
        emit CaseResolved(caseId, c.accusedId, expel, c.ratified);
        if (expel) {
            PenaltyParameters storage p = $.parameters;
            uint48 activatedAt = REGISTRY.organization(c.accusedId).activatedAt;
            $.liabilityTerms[caseId] = LiabilityTerms({
                share: p.liabilityShare,
                activatedAt: activatedAt,
                liable: uint256(c.resolvedAt) <= uint256(activatedAt) + p.liabilityWindow
            });
            REGISTRY.expel(c.accusedId, bytes32(caseId));
            _releaseBond(caseId, c);
        } else {
            _inquire($, caseId, c);
        }
    }

    /// @dev Affirmation: a flag the community hardly backed is a misuse (bond forfeited, counted, maybe barred).
    function _inquire(PenaltyCasesStorage storage $, uint256 caseId, StoredCase storage c) private {
        uint256 reporterId = c.reporterId;
        if (reporterId == 0) return; // The platform's automatic flags carry no bond and no record.
        uint256 decided = uint256(c.expelWeight) + c.keepWeight;
        uint256 expelShare = decided == 0 ? 0 : Math.mulDiv(c.expelWeight, TrustMath.ONE, decided);
        PenaltyParameters storage p = $.parameters;
        // Misuse is judged only on a vote that reached its quorum and decided something (Expel or Keep):
        // silence, or abstention alone, is no verdict on the flag.
        if (decided == 0 || decided + c.abstainWeight < c.quorum || expelShare >= c.misuseThreshold) {
            _releaseBond(caseId, c);
            return;
        }
        emit BondForfeited(caseId, reporterId, c.bond, expelShare);
        ReporterRecord storage record = $.reporters[reporterId];
        uint48 now_ = clock();
        if (record.misuses == 0 || now_ > record.windowStart + p.misuseWindow) {
            record.misuses = 1;
            record.windowStart = now_;
        } else {
            ++record.misuses;
        }
        if (record.misuses >= p.maxMisuses) record.barredUntil = now_ + p.barPeriod;
        emit ReporterMisuseRecorded(reporterId, record.misuses, record.barredUntil);
    }

    function _releaseBond(uint256 caseId, StoredCase storage c) private {
        uint256 bond = c.bond;
        // An expelled reporter has no trust to give back to.
        if (bond == 0 || REGISTRY.statusOf(c.reporterId) != IEntityRegistry.Status.Active) return;
        int256 applied = LEDGER.adjustTrust(
            c.reporterId,
            int256(bond),
            ITrustLedger.TrustChangeReason.BondReleased,
            bytes32(caseId)
        );
        // The ledger caps trust at 1: report what was actually given back.
        emit BondReleased(caseId, c.reporterId, uint256(applied));
    }

    function _state(StoredCase storage c) private view returns (CaseState) {
        if (c.accusedId == 0) return CaseState.None;
        if (c.resolution != CaseState.None) return c.resolution;
        uint48 now_ = clock();
        if (now_ < c.voteStart) return CaseState.Pending;
        if (now_ <= c.voteEnd) return CaseState.Active;
        return _voteOutcome(c);
    }

    /// @dev Succeeded when the cast weight reaches the quorum and Expel reaches its share of Expel + Keep.
    function _voteOutcome(StoredCase storage c) private view returns (CaseState) {
        uint256 cast = uint256(c.expelWeight) + c.keepWeight + c.abstainWeight;
        uint256 decided = uint256(c.expelWeight) + c.keepWeight;
        bool expel =
            cast != 0 &&
                cast >= c.quorum &&
                decided != 0 &&
                Math.mulDiv(c.expelWeight, TrustMath.ONE, decided) >= c.expelThreshold;
        return expel ? CaseState.Succeeded : CaseState.Defeated;
    }

    function _existing(uint256 caseId) private view returns (StoredCase storage c) {
        c = _storage().cases[caseId];
        if (c.accusedId == 0) revert PenaltyCasesUnknownCase(caseId);
    }

    /// @dev The account's Active organization, in one call to the registry.
    function _activeOrganizationOf(address account) private view returns (uint256) {
        try REGISTRY.activeOrganizationOf(account) returns (uint256 orgId) {
            return orgId;
        } catch (bytes memory reason) {
            if (bytes4(reason) == IEntityRegistry.EntityRegistryNotActiveMember.selector) {
                revert PenaltyCasesNotActiveMember(account);
            }
            // Any other failure is the registry's own: pass it on unchanged.
            assembly ("memory-safe") {
                revert(add(reason, 0x20), mload(reason))
            }
        }
    }

    /// @dev Reverts unless `registry_` and `ledger_` are the addresses this implementation was built with.
    function _checkImplementationAddresses(IEntityRegistry registry_, ITrustLedger ledger_) private view {
        if (registry_ != REGISTRY) revert PenaltyCasesAddressMismatch(address(REGISTRY), address(registry_));
        if (ledger_ != LEDGER) revert PenaltyCasesAddressMismatch(address(LEDGER), address(ledger_));
    }

    function _setParameters(PenaltyParameters calldata p) private {
        _checkFraction("reportingThreshold", p.reportingThreshold);
        _checkFraction("bondShare", p.bondShare);
        _checkFraction("quorumShare", p.quorumShare);
        _checkFraction("expelThreshold", p.expelThreshold);
        _checkFraction("misuseThreshold", p.misuseThreshold);
        _checkFraction("liabilityShare", p.liabilityShare);
        if (p.expelThreshold == 0) revert PenaltyCasesInvalidParameter("expelThreshold", 0);
        if (p.votingPeriod == 0) revert PenaltyCasesInvalidParameter("votingPeriod", 0);
        if (p.maxMisuses == 0) revert PenaltyCasesInvalidParameter("maxMisuses", 0);
        // Durations stay far from the 48-bit clock's end, so deadlines and bars can never overflow.
        _checkDuration("votingDelay", p.votingDelay);
        _checkDuration("votingPeriod", p.votingPeriod);
        _checkDuration("ratificationWindow", p.ratificationWindow);
        _checkDuration("misuseWindow", p.misuseWindow);
        _checkDuration("barPeriod", p.barPeriod);
        _checkDuration("liabilityWindow", p.liabilityWindow);
        _storage().parameters = p;
        emit PenaltyParametersUpdated(p);
    }

    function _checkFraction(string memory name, uint256 value) private pure {
        if (value > TrustMath.ONE) revert PenaltyCasesInvalidParameter(name, value);
    }

    function _checkDuration(string memory name, uint256 value) private pure {
        if (value > MAX_DURATION) revert PenaltyCasesInvalidParameter(name, value);
    }

    /**
     * @dev Upgrades are authorized by the AccessManager (ADMIN role by deployment), to an implementation built for
     * the same registry and ledger: one that answers `registry()` and `ledger()` with others is refused, so an
     * upgrade cannot silently move the cases to other contracts.
     */
    function _authorizeUpgrade(address newImplementation) internal override restricted {
        _checkAddressOf(newImplementation, PenaltyCases.registry.selector, address(REGISTRY));
        _checkAddressOf(newImplementation, PenaltyCases.ledger.selector, address(LEDGER));
    }

    /// @dev Reverts if `target` answers the view `selector` with an address other than `expected`. Only an answer
    /// that is an address counts: anything else is not a PenaltyCases, and is left to the UUPS checks that follow.
    function _checkAddressOf(address target, bytes4 selector, address expected) private view {
        (bool ok, bytes memory answer) = target.staticcall(abi.encodeWithSelector(selector));
        if (!ok || answer.length < 32) return;
        uint256 word = uint256(bytes32(answer));
        if (word >> 160 != 0) return;
        if (address(uint160(word)) != expected) revert PenaltyCasesAddressMismatch(expected, address(uint160(word)));
    }

    function _storage() private pure returns (PenaltyCasesStorage storage $) {
        assembly ("memory-safe") {
            $.slot := STORAGE_LOCATION
        }
    }
}
