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
 * @dev UUPS-upgradeable with ERC-7201 namespaced storage. Holds the PENALTY role on the registry (`expel`) and
 * the ledger (`adjustTrust`), and is the ledger's penalty hook. No function loops over members, votes or cases.
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
        IEntityRegistry registry;
        ITrustLedger ledger;
        uint256 caseCount;
        PenaltyParameters parameters;
        mapping(uint256 caseId => Case) cases;
        mapping(uint256 accusedId => uint256 caseId) openCase;
        mapping(uint256 caseId => mapping(uint256 orgId => bool)) voted;
        mapping(uint256 orgId => ReporterRecord) reporters;
        mapping(uint256 caseId => mapping(uint256 recommenderId => bool)) liabilityApplied;
        mapping(uint256 caseId => LiabilityTerms) liabilityTerms;
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

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
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
        __AccessManaged_init(authority);
        PenaltyCasesStorage storage $ = _storage();
        $.registry = registry_;
        $.ledger = ledger_;
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
        uint256 trust = $.ledger.trustOf(reporterId);
        uint256 threshold = $.parameters.reportingThreshold;
        if (trust < threshold) revert PenaltyCasesReporterBelowThreshold(reporterId, trust, threshold);
        _checkFlaggable($, accusedId);

        caseId = _open($, accusedId, reporterId, reasonCode, evidenceHash);
        // The bond is taken after the snapshot, so it changes neither the quorum nor anyone's vote weight.
        uint256 bond = Math.mulDiv(trust, $.parameters.bondShare, TrustMath.ONE);
        if (bond != 0) {
            int256 applied = $.ledger.adjustTrust(
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
        if (msg.sender != address($.ledger)) revert PenaltyCasesOnlyLedger(msg.sender);
        uint256 open = $.openCase[orgId];
        // A platform signal never blocks a rating: with a case already open it only says so.
        if (open != 0 || $.registry.statusOf(orgId) != IEntityRegistry.Status.Active) {
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
        Case storage c = _existing(caseId);
        if (c.finalized) revert PenaltyCasesAlreadyFinalized(caseId);
        _checkConcluded(caseId, c);
        _finalize(caseId, c);
    }

    /// @inheritdoc IPenaltyCases
    function ratify(uint256 caseId, bool expel, bytes32 reasonHash) external restricted {
        Case storage c = _existing(caseId);
        bool voteExpels = _checkConcluded(caseId, c);
        if (clock() > c.ratificationDeadline) revert PenaltyCasesRatificationClosed(caseId, c.ratificationDeadline);
        if (!c.finalized) _finalize(caseId, c);
        c.ratified = true;
        emit CaseRatified(caseId, msg.sender, expel, expel != voteExpels, reasonHash);
        _resolve(caseId, c, expel);
    }

    /// @inheritdoc IPenaltyCases
    function execute(uint256 caseId) external {
        Case storage c = _existing(caseId);
        bool voteExpels = _checkConcluded(caseId, c);
        if (clock() <= c.ratificationDeadline) revert PenaltyCasesRatificationOpen(caseId, c.ratificationDeadline);
        if (!c.finalized) _finalize(caseId, c);
        _resolve(caseId, c, voteExpels);
    }

    /// @inheritdoc IPenaltyCases
    function applyLiability(uint256 caseId, uint256 recommenderId) external returns (uint256 amount) {
        PenaltyCasesStorage storage $ = _storage();
        Case storage c = _existing(caseId);
        if (c.resolution != CaseState.Executed) {
            revert PenaltyCasesUnexpectedState(caseId, _state(c), CaseState.Executed);
        }
        if ($.liabilityApplied[caseId][recommenderId]) {
            revert PenaltyCasesLiabilityAlreadyApplied(caseId, recommenderId);
        }
        if ($.registry.recommendation(c.accusedId, recommenderId).recommendedAt == 0) {
            revert PenaltyCasesNotLiable(caseId, recommenderId);
        }
        LiabilityTerms memory terms = $.liabilityTerms[caseId];
        if (!terms.liable) revert PenaltyCasesLiabilityWindowPassed(caseId, terms.activatedAt);
        $.liabilityApplied[caseId][recommenderId] = true;
        // A recommender that has since left (expelled) has nothing left to lose.
        if ($.registry.statusOf(recommenderId) != IEntityRegistry.Status.Active) return 0;
        uint256 loss = Math.mulDiv($.ledger.trustOf(recommenderId), terms.share, TrustMath.ONE);
        int256 applied = $.ledger.adjustTrust(
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
        return _existing(caseId);
    }

    /// @inheritdoc IPenaltyCases
    function openCaseOf(uint256 accusedId) external view returns (uint256) {
        return _storage().openCase[accusedId];
    }

    /// @inheritdoc IPenaltyCases
    function hasVoted(uint256 caseId, uint256 orgId) external view returns (bool) {
        return _storage().voted[caseId][orgId];
    }

    /// @inheritdoc IPenaltyCases
    function reporterRecord(uint256 orgId) external view returns (ReporterRecord memory) {
        return _storage().reporters[orgId];
    }

    /// @notice The entity registry the cases act on.
    function registry() external view returns (IEntityRegistry) {
        return _storage().registry;
    }

    /// @notice The trust ledger that weighs the votes.
    function ledger() external view returns (ITrustLedger) {
        return _storage().ledger;
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
        return "1.0.0";
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
        Case storage c = $.cases[caseId];
        c.accusedId = accusedId;
        c.reporterId = reporterId;
        c.reporter = msg.sender;
        c.snapshot = snapshot;
        c.voteStart = voteStart;
        c.voteEnd = voteEnd;
        c.ratificationDeadline = voteEnd + p.ratificationWindow;
        c.reasonCode = reasonCode;
        c.evidenceHash = evidenceHash;
        c.quorum = Math.mulDiv($.ledger.totalTrustAt(snapshot), p.quorumShare, TrustMath.ONE).toUint96();
        c.expelThreshold = p.expelThreshold;
        c.misuseThreshold = p.misuseThreshold;
        $.openCase[accusedId] = caseId;
    }

    function _emitOpened(PenaltyCasesStorage storage $, uint256 caseId) private {
        Case storage c = $.cases[caseId];
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
        IEntityRegistry.Status status = $.registry.statusOf(accusedId);
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
        Case storage c = _existing(caseId);
        CaseState current = _state(c);
        if (current != CaseState.Active) revert PenaltyCasesUnexpectedState(caseId, current, CaseState.Active);
        if (support > uint8(VoteType.Abstain)) revert PenaltyCasesInvalidVoteType(support);
        uint256 voterOrgId = _activeOrganizationOf(voter);
        if (voterOrgId == c.accusedId) revert PenaltyCasesAccusedCannotVote(caseId, voterOrgId);
        // The reporter has spoken by flagging, with its bond at stake; its vote would also shield it from the
        // misuse inquiry, which weighs the community's Expel share.
        if (voterOrgId == c.reporterId) revert PenaltyCasesReporterCannotVote(caseId, voterOrgId);
        if ($.voted[caseId][voterOrgId]) revert PenaltyCasesAlreadyVoted(caseId, voterOrgId);
        weight = $.ledger.trustAt(voterOrgId, c.snapshot);
        if (weight == 0) revert PenaltyCasesNoWeight(caseId, voterOrgId);
        $.voted[caseId][voterOrgId] = true;
        // Each weight is at most 1e18; their sum is at most the total trust (< 2^96 for up to 79 billion members).
        if (support == uint8(VoteType.Expel)) c.expelWeight += uint96(weight);
        else if (support == uint8(VoteType.Keep)) c.keepWeight += uint96(weight);
        else c.abstainWeight += uint96(weight);
        emit VoteCast(caseId, voterOrgId, voter, VoteType(support), weight);
    }

    /// @dev Reverts unless voting is over and the case is unresolved; returns whether the vote says expel.
    function _checkConcluded(uint256 caseId, Case storage c) private view returns (bool voteExpels) {
        CaseState current = _state(c);
        if (current != CaseState.Succeeded && current != CaseState.Defeated) {
            revert PenaltyCasesUnexpectedState(caseId, current, CaseState.Succeeded);
        }
        return current == CaseState.Succeeded;
    }

    function _finalize(uint256 caseId, Case storage c) private {
        c.finalized = true;
        emit CaseFinalized(caseId, _voteOutcome(c), c.expelWeight, c.keepWeight, c.abstainWeight, c.quorum);
    }

    /// @dev Ends the case: expulsion (bond back to the reporter) or affirmation (inquiry into the reporter).
    function _resolve(uint256 caseId, Case storage c, bool expel) private {
        PenaltyCasesStorage storage $ = _storage();
        c.resolution = expel ? CaseState.Executed : CaseState.Dismissed;
        c.resolvedAt = clock();
        delete $.openCase[c.accusedId];
        emit CaseResolved(caseId, c.accusedId, expel, c.ratified);
        if (expel) {
            PenaltyParameters storage p = $.parameters;
            uint48 activatedAt = $.registry.organization(c.accusedId).activatedAt;
            $.liabilityTerms[caseId] = LiabilityTerms({
                share: p.liabilityShare,
                activatedAt: activatedAt,
                liable: uint256(c.resolvedAt) <= uint256(activatedAt) + p.liabilityWindow
            });
            $.registry.expel(c.accusedId, bytes32(caseId));
            _releaseBond($, caseId, c);
        } else {
            _inquire($, caseId, c);
        }
    }

    /// @dev Affirmation: a flag the community hardly backed is a misuse (bond forfeited, counted, maybe barred).
    function _inquire(PenaltyCasesStorage storage $, uint256 caseId, Case storage c) private {
        uint256 reporterId = c.reporterId;
        if (reporterId == 0) return; // The platform's automatic flags carry no bond and no record.
        uint256 decided = uint256(c.expelWeight) + c.keepWeight;
        uint256 expelShare = decided == 0 ? 0 : Math.mulDiv(c.expelWeight, TrustMath.ONE, decided);
        PenaltyParameters storage p = $.parameters;
        // Misuse is judged only on a vote that reached its quorum and decided something (Expel or Keep):
        // silence, or abstention alone, is no verdict on the flag.
        if (decided == 0 || decided + c.abstainWeight < c.quorum || expelShare >= c.misuseThreshold) {
            _releaseBond($, caseId, c);
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

    function _releaseBond(PenaltyCasesStorage storage $, uint256 caseId, Case storage c) private {
        uint256 bond = c.bond;
        // An expelled reporter has no trust to give back to.
        if (bond == 0 || $.registry.statusOf(c.reporterId) != IEntityRegistry.Status.Active) return;
        int256 applied = $.ledger.adjustTrust(
            c.reporterId,
            int256(bond),
            ITrustLedger.TrustChangeReason.BondReleased,
            bytes32(caseId)
        );
        // The ledger caps trust at 1: report what was actually given back.
        emit BondReleased(caseId, c.reporterId, uint256(applied));
    }

    function _state(Case storage c) private view returns (CaseState) {
        if (c.accusedId == 0) return CaseState.None;
        if (c.resolution != CaseState.None) return c.resolution;
        uint48 now_ = clock();
        if (now_ < c.voteStart) return CaseState.Pending;
        if (now_ <= c.voteEnd) return CaseState.Active;
        return _voteOutcome(c);
    }

    /// @dev Succeeded when the cast weight reaches the quorum and Expel reaches its share of Expel + Keep.
    function _voteOutcome(Case storage c) private view returns (CaseState) {
        uint256 cast = uint256(c.expelWeight) + c.keepWeight + c.abstainWeight;
        uint256 decided = uint256(c.expelWeight) + c.keepWeight;
        bool expel =
            cast != 0 &&
                cast >= c.quorum &&
                decided != 0 &&
                Math.mulDiv(c.expelWeight, TrustMath.ONE, decided) >= c.expelThreshold;
        return expel ? CaseState.Succeeded : CaseState.Defeated;
    }

    function _existing(uint256 caseId) private view returns (Case storage c) {
        c = _storage().cases[caseId];
        if (c.accusedId == 0) revert PenaltyCasesUnknownCase(caseId);
    }

    function _activeOrganizationOf(address account) private view returns (uint256 orgId) {
        IEntityRegistry registry_ = _storage().registry;
        if (!registry_.isActiveMember(account)) revert PenaltyCasesNotActiveMember(account);
        return registry_.organizationOf(account);
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

    /// @dev Upgrades are authorized by the AccessManager (ADMIN role by deployment).
    function _authorizeUpgrade(address) internal override restricted {}

    function _storage() private pure returns (PenaltyCasesStorage storage $) {
        assembly ("memory-safe") {
            $.slot := STORAGE_LOCATION
        }
    }
}
