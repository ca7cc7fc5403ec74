// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {Vm} from "forge-std/Vm.sol";

import {IEntityRegistry} from "../../../contracts/interfaces/IEntityRegistry.sol";
import {ERC1271WalletMock} from "../../../contracts/mocks/ERC1271WalletMock.sol";
import {IPenaltyCases} from "../../../contracts/interfaces/IPenaltyCases.sol";
import {ITrustLedger} from "../../../contracts/interfaces/ITrustLedger.sol";
import {PenaltyCases} from "../../../contracts/penalty/PenaltyCases.sol";
import {EntityRegistry} from "../../../contracts/registry/EntityRegistry.sol";
import {TrustLedger} from "../../../contracts/trust/TrustLedger.sol";

/**
 * @title PenaltyHandler
 * @notice Drives the penalty mechanism of a Credence community for invariant tests: organizations join (some
 * recommended by Active members) and gain member accounts; members flag organizations (and are refused when their
 * organization is barred, under the reporting threshold, flags itself, or the accused is not Active or already has
 * an open case); the platform rates contributions, ordinary ones that move trust after snapshots and low-integrity
 * ones that open platform cases; member accounts (externally owned, and ERC-1271 contract wallets) vote directly and
 * by EIP-712 signature (expired, wrongly signed and replayed ballots included); blocks pass; anyone finalizes; the ratifier confirms or overturns; anyone
 * executes after the ratification deadline; anyone applies recommenders' liability; governance changes the
 * penalty parameters; and resolved cases are retried.
 * @dev Every action is bounded and only makes the calls that the model (the ghost state below) says succeed; when
 * the model says a call fails, the handler makes it and checks the exact custom error. Any other revert is a
 * contract (or model) bug, so the invariant tests run with `failOnRevert`. The model is written independently of
 * the contract: case states, outcomes (by cross-multiplication, not division), bonds, misuse records, liability,
 * nonces and EIP-712 digests are computed here, and the quorum from the community's total trust at the end of each
 * block, which the handler records (`totalTrust()`) as it leaves the block, not from the ledger's history lookup.
 * Organizations' trust (`trustOf`, `trustAt`) and the flag threshold are read from the ledger, which has its own
 * invariant tests.
 *
 * The logs of the PenaltyCases proxy are recorded during every action and checked against the model: exactly the
 * predicted CaseOpened, CaseRatified, CaseResolved and PlatformSignalIgnored events, and every CaseResolved is
 * counted per case (`ghostResolvedEvents`).
 *
 * The block number and timestamp are kept in `currentBlock` and `currentTimestamp` and re-applied before every
 * action (and by the tests before every check): invariant runners do not promise that `vm.roll` persists from one
 * call to the next. Inputs are clamped with forge-std's `_bound` (`bound` without its console log).
 *
 * It must hold ASSESSOR (it activates organizations and rates as the platform); it acts as the ratifier and as
 * governance by pranking the account it is given, which must hold RATIFIER and ADMIN.
 */
contract PenaltyHandler is CommonBase, StdCheats, StdUtils {
    /// @notice The contracts did something the model did not predict (`what`, the expected and actual values).
    error HandlerModelMismatch(string what, uint256 expected, uint256 actual);

    uint256 internal constant ONE = 1e18;
    /// @notice Externally owned actors; after them come {WALLET_COUNT} ERC-1271 contract wallets.
    uint256 public constant ACTOR_COUNT = 40;
    uint256 public constant WALLET_COUNT = 4;

    bytes32 internal constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    bytes32 public constant BALLOT_TYPEHASH = keccak256(
        "Ballot(uint256 caseId,uint8 support,address voter,uint256 nonce,uint256 deadline)"
    );

    /// @notice The model of a case. Thresholds and quorum are the ones fixed when it was opened, the liability
    /// terms the ones fixed when it expelled.
    // A test model: ordered like IPenaltyCases.Case for reading, not packed (gas does not matter here).
    // solhint-disable-next-line gas-struct-packing
    struct GhostCase {
        uint256 accusedId;
        uint256 reporterId;
        address reporter;
        uint48 snapshot;
        uint48 voteStart;
        uint48 voteEnd;
        uint48 ratificationDeadline;
        uint48 resolvedAt;
        uint256 bond;
        uint256 quorum;
        uint256 expelThreshold;
        uint256 misuseThreshold;
        uint256 expelWeight;
        uint256 keepWeight;
        uint256 abstainWeight;
        IPenaltyCases.CaseState resolution;
        bool finalized;
        bool ratified;
        // Fixed when the case expels: the liability share in force then, and whether the expelled organization was
        // still within the liability window of its activation.
        uint256 liabilityShare;
        bool liable;
    }

    /// @notice The community's total trust as it stood at the end of block `fromBlock` and until the next entry.
    struct BlockTotal {
        uint256 fromBlock;
        uint256 total;
    }

    /// @notice The last ballot relayed by signature, replayed by `castVoteBySig` mode 3.
    struct Ballot {
        uint256 caseId;
        uint8 support;
        address voter;
        uint256 deadline;
        bytes signature;
    }

    /// @notice The PenaltyCases events an action must emit (zero ids: none).
    struct ExpectedLogs {
        uint256 opened;
        uint256 resolved;
        bool expelled;
        bool ratified;
        bool checkRatification;
        bool overturned;
        bool ignored;
        uint256 ignoredOpenCase;
    }

    EntityRegistry public registry;
    TrustLedger public ledger;
    PenaltyCases public penalty;
    /// @notice The account that holds RATIFIER and ADMIN.
    address public governance;

    address[] internal _actors;
    /// @dev The key that signs for each actor: its own, or the owner's for a contract wallet.
    mapping(address actor => uint256) internal _keys;
    bytes2[] internal _countries;

    // ------------------------------------------------------------------ ghost state

    uint256 public currentBlock;
    uint256 public currentTimestamp;
    /// @notice The penalty parameters in force.
    IPenaltyCases.PenaltyParameters internal _p;

    uint256[] internal _organizations;
    address[] internal _accounts;
    mapping(address account => bool) internal _known;
    mapping(uint256 orgId => IEntityRegistry.Status) public ghostStatus;
    mapping(uint256 orgId => address[]) internal _members;
    mapping(address account => uint256 orgId) public ghostOrganizationOf;
    mapping(uint256 orgId => uint256) public ghostActivatedAt;
    mapping(uint256 candidateId => mapping(uint256 recommenderId => bool)) internal _recommended;
    mapping(uint256 candidateId => uint256[]) internal _recommenders;

    /// @dev Index 0 is unused: case ids run from 1.
    GhostCase[] internal _cases;
    mapping(uint256 orgId => uint256 caseId) public ghostOpenCase;
    mapping(uint256 caseId => mapping(uint256 orgId => bool)) internal _voted;
    mapping(uint256 caseId => uint256[]) internal _voterOrganizations;
    /// @dev Every activated organization's trust at the case's snapshot, read when the case was opened.
    mapping(uint256 caseId => mapping(uint256 orgId => uint256)) internal _snapshotTrust;
    /// @notice How many CaseResolved events the PenaltyCases proxy emitted for each case.
    mapping(uint256 caseId => uint256) public ghostResolvedEvents;
    mapping(uint256 caseId => mapping(uint256 recommenderId => bool)) internal _liabilityApplied;
    /// @dev Every (case, recommender) whose liability was applied, as `caseId << 128 | recommenderId`.
    uint256[] internal _appliedLiabilities;
    mapping(uint256 orgId => IPenaltyCases.ReporterRecord) internal _records;
    mapping(address voter => uint256) public ghostNonce;
    BlockTotal[] internal _blockTotals;
    Ballot internal _lastBallot;

    ExpectedLogs internal _expected;

    /// @notice How many times each action did something (by action name), for the call summary.
    mapping(bytes32 action => uint256) public calls;
    /// @notice How many calls the model refused, by the selector of the custom error they reverted with.
    mapping(bytes4 error => uint256) public refusals;

    uint256 internal _nonce;

    constructor(EntityRegistry registry_, TrustLedger ledger_, PenaltyCases penalty_, address governance_) {
        registry = registry_;
        ledger = ledger_;
        penalty = penalty_;
        governance = governance_;
        currentBlock = block.number;
        currentTimestamp = block.timestamp;
        _p = penalty_.parameters();
        _cases.push();
        for (uint256 i = 0; i < ACTOR_COUNT; ++i) {
            (address actor, uint256 key) = makeAddrAndKey(string.concat("penalty actor ", vm.toString(i)));
            _actors.push(actor);
            _keys[actor] = key;
        }
        // Contract wallets as member accounts: their signed ballots are checked through ERC-1271.
        for (uint256 i = 0; i < WALLET_COUNT; ++i) {
            (address owner, uint256 key) = makeAddrAndKey(string.concat("penalty wallet owner ", vm.toString(i)));
            address wallet = address(new ERC1271WalletMock(owner));
            vm.label(wallet, string.concat("penalty wallet ", vm.toString(i)));
            _actors.push(wallet);
            _keys[wallet] = key;
        }
        _countries.push("DE");
        _countries.push("US");
        _countries.push("BR");
        _countries.push("JP");
    }

    /**
     * @dev Re-applies the block and timestamp, records the PenaltyCases logs and checks them against `_expected`.
     * One action in four (by a hash of its calldata) runs in the next block, as transactions on a real chain do:
     * time passes while cases run, besides the explicit {advanceBlocks}.
     */
    modifier step() {
        vm.roll(currentBlock);
        vm.warp(currentTimestamp);
        if (uint256(keccak256(msg.data)) % 4 == 0) _advance(1);
        vm.recordLogs();
        _;
        _checkLogs();
    }

    // ------------------------------------------------------------------ actions: membership and trust

    /**
     * @notice A free actor joins as the admin of a new organization, up to two Active organizations recommend it,
     * and the platform activates it with random grades (the default criteria admit everyone).
     */
    function join(
        uint256 actorSeed,
        uint256 countrySeed,
        uint256[2] calldata levelSeeds,
        uint256[2] calldata recommenderSeeds,
        uint256 scoreSeed
    ) external step {
        uint256 orgId = _register(actorSeed, countrySeed);
        if (orgId == 0) return;
        for (uint256 i = 0; i < 2; ++i) {
            if (recommenderSeeds[i] % 3 == 0) continue;
            address account = _pickActiveMember(recommenderSeeds[i]);
            if (account == address(0)) break;
            uint256 recommenderId = ghostOrganizationOf[account];
            if (_recommended[orgId][recommenderId]) continue;
            vm.prank(account);
            registry.recommend(orgId, _bound(uint256(keccak256(abi.encode(scoreSeed, i))), 0, ONE));
            _recommended[orgId][recommenderId] = true;
            _recommenders[orgId].push(recommenderId);
        }
        registry.activate(orgId, _level(levelSeeds[0]), _level(levelSeeds[1]));
        ghostStatus[orgId] = IEntityRegistry.Status.Active;
        ghostActivatedAt[orgId] = currentBlock;
        ++calls["join"];
    }

    /// @notice A free actor asks to join and is left Pending (not a selector: the tests' set-up uses it).
    function joinPending(uint256 actorSeed) external step {
        if (_register(actorSeed, actorSeed) != 0) ++calls["joinPending"];
    }

    /// @notice An Active organization's admin binds a free actor.
    function addMember(uint256 orgSeed, uint256 actorSeed) external step {
        uint256 orgId = _pickOrganization(orgSeed, IEntityRegistry.Status.Active, 0);
        address account = _pickUnbound(actorSeed);
        if (orgId == 0 || account == address(0)) return;
        vm.prank(_members[orgId][0]);
        registry.addMember(orgId, account);
        _bind(account, orgId);
        ++calls["addMember"];
    }

    /**
     * @notice The platform rates a new contribution of an Active organization. Three draws in four (`mode`) it is a
     * good contribution (every score at least 0.4, integrity and intent at or above the flag threshold): trust moves,
     * after some cases' snapshots, and no case opens. One in four its integrity or intent is under the flag
     * threshold: the ledger calls the penalty hook, which opens a platform case (no reporter organization, no bond),
     * or only emits PlatformSignalIgnored when the organization already has an open case.
     */
    function rate(uint256 orgSeed, uint256[4] calldata scores, uint256 mode) external step {
        uint256 orgId = _pickOrganization(orgSeed, IEntityRegistry.Status.Active, 0);
        uint256 flagThreshold = ledger.parameters().flagThreshold;
        if (orgId == 0) return;
        if (mode % 4 != 0 || flagThreshold == 0) {
            uint256 floor = flagThreshold > 0.4e18 ? flagThreshold : 0.4e18;
            ledger.rate(
                _rating(
                    orgId,
                    ITrustLedger.Scores({
                        quality: uint64(_bound(scores[0], 0.4e18, ONE)),
                        quantity: uint64(_bound(scores[1], 0.4e18, ONE)),
                        integrity: uint64(_bound(scores[2], floor, ONE)),
                        intent: uint64(_bound(scores[3], floor, ONE))
                    })
                )
            );
            ++calls["rate"];
            return;
        }
        bool lowIntent = (mode >> 8) % 2 == 0;
        ITrustLedger.Scores memory s = ITrustLedger.Scores({
            quality: uint64(_bound(scores[0], 0, ONE)),
            quantity: uint64(_bound(scores[1], 0, ONE)),
            integrity: uint64(lowIntent ? _bound(scores[2], 0, ONE) : _bound(scores[2], 0, flagThreshold - 1)),
            intent: uint64(lowIntent ? _bound(scores[3], 0, flagThreshold - 1) : _bound(scores[3], 0, ONE))
        });
        uint256 open = ghostOpenCase[orgId];
        if (open != 0) {
            _expected.ignored = true;
            _expected.ignoredOpenCase = open;
            ledger.rate(_rating(orgId, s));
            ++calls["rate (low, ignored)"];
            return;
        }
        uint256 caseId = _openGhostCase(orgId, 0, address(this), 0);
        ledger.rate(_rating(orgId, s));
        _expectEqual("caseCount", caseId, penalty.caseCount());
        _checkCase(caseId);
        ++calls["rate (low, case opened)"];
    }

    // ------------------------------------------------------------------ actions: cases

    /**
     * @notice An account flags an organization. Mostly a member of an Active organization flags another Active
     * organization; one draw in four (`mode`) the account is any actor (bound or not, of any organization), and one
     * in four the accused is any organization (the reporter's own, Pending, Expelled, or an unknown id). The model
     * predicts success (case, bond) or the exact error.
     */
    function flag(uint256 accountSeed, uint256 accusedSeed, uint16 reasonCode, uint256 mode) external step {
        bool anyAccount = mode % 4 == 0;
        bool anyAccused = mode % 4 == 1;
        address account = anyAccount ? _actors[accountSeed % _actors.length] : _pickActiveMember(accountSeed);
        if (account == address(0)) return;
        uint256 reporterId = ghostOrganizationOf[account];
        uint256 accusedId =
            anyAccused
                ? (accusedSeed % (_organizations.length + 1)) + 1
                : _pickOrganization(accusedSeed, IEntityRegistry.Status.Active, reporterId);
        if (accusedId == 0) return;
        bytes32 evidence = keccak256(abi.encode("flag evidence", ++_nonce));

        bytes memory failure = _flagFailure(account, reporterId, accusedId);
        if (failure.length != 0) {
            vm.prank(account);
            try penalty.flag(accusedId, reasonCode, evidence) {
                revert HandlerModelMismatch("flag succeeded", 0, accusedId);
            } catch (bytes memory reason) {
                _expectError(reason, failure);
            }
            _refused("flag (refused)", failure);
            return;
        }
        _flag(account, reporterId, accusedId, reasonCode, evidence);
    }

    /// @notice A member account of a barred Active organization tries to flag: refused with the bar's end.
    function flagWhileBarred(uint256 orgSeed, uint256 accusedSeed) external step {
        uint256 count = _organizations.length;
        for (uint256 i = 0; i < count; ++i) {
            uint256 reporterId = _organizations[((orgSeed % count) + i) % count];
            uint48 barredUntil = _records[reporterId].barredUntil;
            if (ghostStatus[reporterId] != IEntityRegistry.Status.Active || !_barred(reporterId)) continue;
            address account = _members[reporterId][accusedSeed % _members[reporterId].length];
            uint256 accusedId = _pickOrganization(accusedSeed, IEntityRegistry.Status.Active, reporterId);
            if (accusedId == 0) accusedId = reporterId + 1;
            vm.prank(account);
            try penalty.flag(accusedId, 1, keccak256("barred")) {
                revert HandlerModelMismatch("barred reporter flagged", barredUntil, currentBlock);
            } catch (bytes memory reason) {
                _expectError(
                    reason,
                    abi.encodeWithSelector(IPenaltyCases.PenaltyCasesReporterBarred.selector, reporterId, barredUntil)
                );
            }
            ++calls["flag (barred)"];
            return;
        }
    }

    /**
     * @notice One to six member accounts vote, one after the other (a voting round: cases need several votes
     * to reach their quorum). Mostly (`_likely(mode)`) an account of an Active organization that has not voted
     * votes on an Active case; otherwise any actor votes on any case id (unknown ones included). One draw in
     * sixteen is an invalid vote type.
     */
    function castVote(uint256 accountSeed, uint256 caseSeed, uint256 supportSeed, uint256 mode) external step {
        uint256 ballots = 1 + ((mode >> 8) % 6);
        for (uint256 i = 0; i < ballots; ++i) {
            _castVote(
                uint256(keccak256(abi.encode(accountSeed, i))),
                caseSeed,
                uint256(keccak256(abi.encode(supportSeed, i))),
                _likely(mode)
            );
        }
    }

    /// @dev One ballot of {castVote}.
    function _castVote(uint256 accountSeed, uint256 caseSeed, uint256 supportSeed, bool likely) private {
        (address voter, uint256 caseId) = _pickBallot(accountSeed, caseSeed, likely);
        if (voter == address(0)) return;
        uint8 support = _support(supportSeed);
        bytes memory failure = _voteFailure(caseId, support, voter);
        if (failure.length != 0) {
            vm.prank(voter);
            try penalty.castVote(caseId, support) {
                revert HandlerModelMismatch("vote counted", 0, caseId);
            } catch (bytes memory reason) {
                _expectError(reason, failure);
            }
            _refused("castVote (refused)", failure);
            return;
        }
        uint256 weight = _countVote(caseId, support, voter);
        vm.prank(voter);
        _expectEqual("weight", weight, penalty.castVote(caseId, support));
        ++calls["castVote"];
    }

    /**
     * @notice A relayer submits a ballot signed (vm.sign) over the EIP-712 digest computed here. `mode`: 0 a
     * ballot signed by the voter, 1 one whose deadline has passed, 2 one signed by another actor, 3 the last
     * relayed ballot again (its nonce is spent); mode 0 is drawn five times in eight. The relayer submits one to
     * three ballots of the mode, voters and cases picked as by {castVote}.
     */
    function castVoteBySig(
        uint256 accountSeed,
        uint256 caseSeed,
        uint256 supportSeed,
        uint256 mode,
        uint256 relayerSeed,
        uint256 deadlineSeed
    ) external step {
        bool likely = _likely(mode >> 8);
        uint256 ballots = 1 + ((mode >> 16) % 3);
        mode %= 8;
        if (mode > 3) mode = 0;
        address relayer = _actors[relayerSeed % _actors.length];
        if (mode == 3) {
            _replayBallot(relayer);
            return;
        }
        for (uint256 i = 0; i < ballots; ++i) {
            _relayBallot(
                uint256(keccak256(abi.encode(accountSeed, i))),
                caseSeed,
                uint256(keccak256(abi.encode(supportSeed, i))),
                mode,
                likely,
                relayer,
                deadlineSeed
            );
        }
    }

    /// @dev One ballot of {castVoteBySig} (mode 0, 1 or 2).
    function _relayBallot(
        uint256 accountSeed,
        uint256 caseSeed,
        uint256 supportSeed,
        uint256 mode,
        bool likely,
        address relayer,
        uint256 deadlineSeed
    ) private {
        (address voter, uint256 caseId) = _pickBallot(accountSeed, caseSeed, likely);
        if (voter == address(0)) return;
        uint8 support = _support(supportSeed);
        uint256 deadline =
            mode == 1
                ? currentTimestamp - _bound(deadlineSeed, 1, 1 days)
                : currentTimestamp + _bound(deadlineSeed, 0, 1 days);
        _expectEqual("nonce", ghostNonce[voter], penalty.nonces(voter));
        address signer = mode == 2 ? _otherActor(voter, deadlineSeed) : voter;
        bytes memory signature = _sign(signer, caseId, support, voter, ghostNonce[voter], deadline);

        bytes memory failure;
        if (mode == 1) {
            failure = abi.encodeWithSelector(IPenaltyCases.PenaltyCasesExpiredSignature.selector, deadline);
        } else if (mode == 2) {
            failure = abi.encodeWithSelector(IPenaltyCases.PenaltyCasesInvalidSignature.selector, voter);
        } else {
            failure = _voteFailure(caseId, support, voter);
        }
        if (failure.length != 0) {
            vm.prank(relayer);
            try penalty.castVoteBySig(caseId, support, voter, deadline, signature) {
                revert HandlerModelMismatch("signed vote counted", mode, caseId);
            } catch (bytes memory reason) {
                _expectError(reason, failure);
            }
            _refused("castVoteBySig (refused)", failure);
            return;
        }
        uint256 weight = _countVote(caseId, support, voter);
        vm.prank(relayer);
        _expectEqual("signed weight", weight, penalty.castVoteBySig(caseId, support, voter, deadline, signature));
        ++ghostNonce[voter];
        _expectEqual("nonce used", ghostNonce[voter], penalty.nonces(voter));
        _lastBallot = Ballot(caseId, support, voter, deadline, signature);
        ++calls["castVoteBySig"];
    }

    /// @notice Blocks (and time, two seconds a block) pass: a few, or enough to end votes and windows.
    function advanceBlocks(uint256 blocks, bool long) external step {
        _advance(long ? _bound(blocks, 3, 16) : _bound(blocks, 1, 2));
        ++calls["advanceBlocks"];
    }

    /// @notice Anyone records a case's outcome (mostly a concluded, unfinalized case; else any id).
    function finalize(uint256 caseSeed, uint256 mode, uint256 callerSeed) external step {
        bool likely = _likely(mode);
        uint256 caseId = likely ? _pickConcluded(caseSeed, false) : _anyCaseId(caseSeed);
        if (caseId == 0 && likely) return;
        bytes memory failure;
        if (_unknown(caseId)) {
            failure = abi.encodeWithSelector(IPenaltyCases.PenaltyCasesUnknownCase.selector, caseId);
        } else if (_cases[caseId].finalized) {
            failure = abi.encodeWithSelector(IPenaltyCases.PenaltyCasesAlreadyFinalized.selector, caseId);
        } else {
            failure = _concludedFailure(caseId);
        }
        vm.prank(_actors[callerSeed % _actors.length]);
        if (failure.length != 0) {
            try penalty.finalize(caseId) {
                revert HandlerModelMismatch("finalized", 0, caseId);
            } catch (bytes memory reason) {
                _expectError(reason, failure);
            }
            _refused("finalize (refused)", failure);
            return;
        }
        penalty.finalize(caseId);
        _cases[caseId].finalized = true;
        ++calls["finalize"];
    }

    /**
     * @notice The ratifier confirms or overturns a case's outcome (`expel`) within the window (mostly a concluded
     * case still in its window; else any id); one draw in eight an actor without RATIFIER tries instead.
     */
    function ratify(uint256 caseSeed, bool expel, uint256 mode, uint256 strangerSeed) external step {
        bool likely = _likely(mode);
        bool asStranger = (mode >> 8) % 8 == 0;
        uint256 caseId = likely ? _pickConcluded(caseSeed, true) : _anyOrConcluded(caseSeed);
        if (caseId == 0 && likely) return;
        bytes32 reasonHash = keccak256(abi.encode("ratification", caseId, expel));
        address caller = asStranger ? _actors[strangerSeed % _actors.length] : governance;
        bytes memory failure;
        if (asStranger) {
            failure = abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, caller);
        } else if (_unknown(caseId)) {
            failure = abi.encodeWithSelector(IPenaltyCases.PenaltyCasesUnknownCase.selector, caseId);
        } else {
            failure = _concludedFailure(caseId);
            if (failure.length == 0 && currentBlock > _cases[caseId].ratificationDeadline) {
                failure = abi.encodeWithSelector(
                    IPenaltyCases.PenaltyCasesRatificationClosed.selector,
                    caseId,
                    _cases[caseId].ratificationDeadline
                );
            }
        }
        if (failure.length != 0) {
            vm.prank(caller);
            try penalty.ratify(caseId, expel, reasonHash) {
                revert HandlerModelMismatch("ratified", 0, caseId);
            } catch (bytes memory reason) {
                _expectError(reason, failure);
            }
            _refused("ratify (refused)", failure);
            return;
        }
        _expected.checkRatification = true;
        _expected.overturned = expel != _voteExpels(_cases[caseId]);
        _resolve(caseId, expel, true, caller, reasonHash);
        ++calls[expel ? bytes32("ratify (expel)") : bytes32("ratify (keep)")];
    }

    /// @notice Anyone executes a case's outcome after the ratification deadline (mostly such a case; else any id).
    function execute(uint256 caseSeed, uint256 mode, uint256 callerSeed) external step {
        bool likely = _likely(mode);
        uint256 caseId = likely ? _pickExecutable(caseSeed) : _anyOrConcluded(caseSeed);
        if (caseId == 0 && likely) return;
        bytes memory failure;
        if (_unknown(caseId)) {
            failure = abi.encodeWithSelector(IPenaltyCases.PenaltyCasesUnknownCase.selector, caseId);
        } else {
            failure = _concludedFailure(caseId);
            if (failure.length == 0 && currentBlock <= _cases[caseId].ratificationDeadline) {
                failure = abi.encodeWithSelector(
                    IPenaltyCases.PenaltyCasesRatificationOpen.selector,
                    caseId,
                    _cases[caseId].ratificationDeadline
                );
            }
        }
        address caller = _actors[callerSeed % _actors.length];
        if (failure.length != 0) {
            vm.prank(caller);
            try penalty.execute(caseId) {
                revert HandlerModelMismatch("executed", 0, caseId);
            } catch (bytes memory reason) {
                _expectError(reason, failure);
            }
            _refused("execute (refused)", failure);
            return;
        }
        bool expel = _voteExpels(_cases[caseId]);
        _resolve(caseId, expel, false, caller, bytes32(0));
        ++calls[expel ? bytes32("execute (expel)") : bytes32("execute (keep)")];
    }

    /**
     * @notice Anyone applies a recommender's liability (mostly an Executed case and one of the expelled
     * organization's recommenders; else any case id and any organization id).
     */
    function applyLiability(uint256 caseSeed, uint256 recommenderSeed, uint256 mode) external step {
        bool likely = _likely(mode);
        (uint256 caseId, uint256 recommenderId) = likely
            ? _pickLiability(caseSeed, recommenderSeed)
            : (_anyCaseId(caseSeed), (recommenderSeed % (_organizations.length + 1)) + 1);
        if (!likely && (mode >> 8) % 2 == 0 && _appliedLiabilities.length != 0) {
            // Half the unlikely draws apply a liability already applied.
            uint256 pair = _appliedLiabilities[caseSeed % _appliedLiabilities.length];
            (caseId, recommenderId) = (pair >> 128, uint128(pair));
        }
        if (caseId == 0 && likely) return;
        bytes memory failure = _liabilityFailure(caseId, recommenderId);
        if (failure.length != 0) {
            try penalty.applyLiability(caseId, recommenderId) {
                revert HandlerModelMismatch("liability applied", caseId, recommenderId);
            } catch (bytes memory reason) {
                _expectError(reason, failure);
            }
            _refused("applyLiability (refused)", failure);
            return;
        }
        _liabilityApplied[caseId][recommenderId] = true;
        _appliedLiabilities.push((caseId << 128) | recommenderId);
        if (ghostStatus[recommenderId] != IEntityRegistry.Status.Active) {
            _expectEqual("liability of a departed recommender", 0, penalty.applyLiability(caseId, recommenderId));
            ++calls["applyLiability (departed)"];
            return;
        }
        uint256 trust = ledger.trustOf(recommenderId);
        uint256 loss = (trust * _cases[caseId].liabilityShare) / ONE;
        _expectEqual("liability", loss, penalty.applyLiability(caseId, recommenderId));
        _expectEqual("recommender trust after liability", trust - loss, ledger.trustOf(recommenderId));
        ++calls["applyLiability"];
    }

    /**
     * @notice Governance replaces the penalty parameters with a random valid set of short ones. Open cases keep
     * their quorum, thresholds and timepoints; bonds use the parameters in force at the flag, misuse records and
     * liability terms the ones in force at the resolution.
     */
    function setParameters(uint256[13] calldata seeds, uint256 chance) external step {
        // One draw in four: a community changes its parameters rarely, and most cases should run under one set.
        if (chance % 4 != 0) return;
        IPenaltyCases.PenaltyParameters memory p = IPenaltyCases.PenaltyParameters({
            reportingThreshold: uint64(_bound(seeds[0], 0.2e18, 0.5e18)),
            bondShare: uint64(_bound(seeds[1], 0, 0.2e18)),
            quorumShare: uint64(_bound(seeds[2], 0, 0.6e18)),
            expelThreshold: uint64(_bound(seeds[3], 0.3e18, 0.9e18)),
            misuseThreshold: uint64(_bound(seeds[4], 0, 0.5e18)),
            liabilityShare: uint64(_bound(seeds[5], 0, 0.3e18)),
            votingDelay: uint48(_bound(seeds[6], 0, 4)),
            votingPeriod: uint48(_bound(seeds[7], 1, 16)),
            ratificationWindow: uint48(_bound(seeds[8], 0, 10)),
            misuseWindow: uint48(_bound(seeds[9], 0, 1000)),
            barPeriod: uint48(_bound(seeds[10], 0, 60)),
            liabilityWindow: uint48(_bound(seeds[11], 0, 120)),
            maxMisuses: uint16(_bound(seeds[12], 1, 3))
        });
        vm.prank(governance);
        penalty.setParameters(p);
        _p = p;
        _expectEqual("stored expelThreshold", p.expelThreshold, penalty.parameters().expelThreshold);
        ++calls["setParameters"];
    }

    /**
     * @notice A resolved case is tried again: finalize, ratify (as the ratifier), execute and a vote by an Active
     * member all revert, and its resolution stays.
     */
    function retryResolved(uint256 caseSeed, bool expel, uint256 accountSeed) external step {
        uint256 caseId = _pickResolved(caseSeed);
        if (caseId == 0) return;
        IPenaltyCases.CaseState resolution = _cases[caseId].resolution;
        bytes memory notConcluded = abi.encodeWithSelector(
            IPenaltyCases.PenaltyCasesUnexpectedState.selector,
            caseId,
            resolution,
            IPenaltyCases.CaseState.Succeeded
        );
        vm.prank(governance);
        try penalty.ratify(caseId, expel, bytes32(0)) {
            revert HandlerModelMismatch("resolved case ratified", uint256(resolution), caseId);
        } catch (bytes memory reason) {
            _expectError(reason, notConcluded);
        }
        try penalty.execute(caseId) {
            revert HandlerModelMismatch("resolved case executed", uint256(resolution), caseId);
        } catch (bytes memory reason) {
            _expectError(reason, notConcluded);
        }
        try penalty.finalize(caseId) {
            revert HandlerModelMismatch("resolved case finalized", uint256(resolution), caseId);
        } catch (bytes memory reason) {
            _expectError(reason, abi.encodeWithSelector(IPenaltyCases.PenaltyCasesAlreadyFinalized.selector, caseId));
        }
        address voter = _pickActiveMember(accountSeed);
        if (voter != address(0)) {
            vm.prank(voter);
            try penalty.castVote(caseId, uint8(IPenaltyCases.VoteType.Expel)) {
                revert HandlerModelMismatch("vote on a resolved case", uint256(resolution), caseId);
            } catch (bytes memory reason) {
                _expectError(
                    reason,
                    abi.encodeWithSelector(
                        IPenaltyCases.PenaltyCasesUnexpectedState.selector,
                        caseId,
                        resolution,
                        IPenaltyCases.CaseState.Active
                    )
                );
            }
        }
        _expectEqual("resolution", uint256(resolution), uint256(penalty.getCase(caseId).resolution));
        ++calls["retryResolved"];
    }

    // ------------------------------------------------------------------ views for the invariant tests

    /// @notice Every organization the handler registered, in id order.
    function organizations() external view returns (uint256[] memory) {
        return _organizations;
    }

    /// @notice The member accounts the handler bound to an organization (the admin first).
    function membersOf(uint256 orgId) external view returns (address[] memory) {
        return _members[orgId];
    }

    /// @notice The organizations that voted on a case, in order.
    function voterOrganizations(uint256 caseId) external view returns (uint256[] memory) {
        return _voterOrganizations[caseId];
    }

    /// @notice How many cases the model opened.
    function caseCount() external view returns (uint256) {
        return _cases.length - 1;
    }

    /// @notice The model of a case.
    function ghostCase(uint256 caseId) external view returns (GhostCase memory) {
        return _cases[caseId];
    }

    /// @notice The state the model gives a case at `currentBlock`.
    function modelState(uint256 caseId) external view returns (IPenaltyCases.CaseState) {
        return _modelState(caseId);
    }

    /// @notice The model's misuse record of a reporter organization.
    function ghostRecord(uint256 orgId) external view returns (IPenaltyCases.ReporterRecord memory) {
        return _records[orgId];
    }

    /// @notice Whether the model says the organization is barred from flagging at `currentBlock`.
    function isBarred(uint256 orgId) external view returns (bool) {
        return _barred(orgId);
    }

    /// @notice The community's total trust at the end of a past block, as the handler recorded it.
    function ghostTotalTrustAt(uint256 timepoint) public view returns (uint256) {
        for (uint256 i = _blockTotals.length; i > 0; --i) {
            if (_blockTotals[i - 1].fromBlock <= timepoint) return _blockTotals[i - 1].total;
        }
        // Before the first recorded block the suite was being set up: nobody had trust yet.
        return 0;
    }

    /// @notice The EIP-712 domain separator of signed ballots, computed here.
    function domainSeparator() public view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    DOMAIN_TYPEHASH,
                    keccak256("Credence PenaltyCases"),
                    keccak256("1"),
                    block.chainid,
                    address(penalty)
                )
            );
    }

    /// @notice The handler's action selectors, for `targetSelector`.
    function selectors() external pure returns (bytes4[] memory list) {
        list = new bytes4[](14);
        list[0] = PenaltyHandler.join.selector;
        list[1] = PenaltyHandler.addMember.selector;
        list[2] = PenaltyHandler.rate.selector;
        list[3] = PenaltyHandler.flag.selector;
        list[4] = PenaltyHandler.flagWhileBarred.selector;
        list[5] = PenaltyHandler.castVote.selector;
        list[6] = PenaltyHandler.castVoteBySig.selector;
        list[7] = PenaltyHandler.advanceBlocks.selector;
        list[8] = PenaltyHandler.finalize.selector;
        list[9] = PenaltyHandler.ratify.selector;
        list[10] = PenaltyHandler.execute.selector;
        list[11] = PenaltyHandler.applyLiability.selector;
        list[12] = PenaltyHandler.setParameters.selector;
        list[13] = PenaltyHandler.retryResolved.selector;
    }

    // ------------------------------------------------------------------ internals: model

    /// @dev The model's state of a case at `currentBlock` (None for an unknown id).
    function _modelState(uint256 caseId) private view returns (IPenaltyCases.CaseState) {
        if (_unknown(caseId)) return IPenaltyCases.CaseState.None;
        GhostCase storage g = _cases[caseId];
        if (g.resolution != IPenaltyCases.CaseState.None) return g.resolution;
        if (currentBlock < g.voteStart) return IPenaltyCases.CaseState.Pending;
        if (currentBlock <= g.voteEnd) return IPenaltyCases.CaseState.Active;
        return _voteExpels(g) ? IPenaltyCases.CaseState.Succeeded : IPenaltyCases.CaseState.Defeated;
    }

    /// @dev The vote expels when the cast weight reaches the quorum and Expel / (Expel + Keep) reaches the case's
    /// threshold, written as a cross-multiplication (the contract divides).
    function _voteExpels(GhostCase storage g) private view returns (bool) {
        uint256 cast = g.expelWeight + g.keepWeight + g.abstainWeight;
        uint256 decided = g.expelWeight + g.keepWeight;
        return cast != 0 && cast >= g.quorum && decided != 0 && g.expelWeight * ONE >= g.expelThreshold * decided;
    }

    /**
     * @dev A dismissed flag was a misuse when the vote reached its quorum and decided something (silence, or
     * abstention alone, is no verdict) and Expel / (Expel + Keep) is under the case's misuse threshold.
     */
    function _isMisuse(GhostCase storage g) private view returns (bool) {
        uint256 decided = g.expelWeight + g.keepWeight;
        if (decided == 0 || decided + g.abstainWeight < g.quorum) return false;
        return g.expelWeight * ONE < g.misuseThreshold * decided;
    }

    function _barred(uint256 orgId) private view returns (bool) {
        uint48 barredUntil = _records[orgId].barredUntil;
        return barredUntil != 0 && currentBlock <= barredUntil;
    }

    function _unknown(uint256 caseId) private view returns (bool) {
        return caseId == 0 || caseId >= _cases.length;
    }

    /// @dev Opens a case in the model at `currentBlock` and expects its CaseOpened event.
    function _openGhostCase(
        uint256 accusedId,
        uint256 reporterId,
        address reporter,
        uint256 bond
    ) private returns (uint256 caseId) {
        caseId = _cases.length;
        GhostCase storage g = _cases.push();
        g.accusedId = accusedId;
        g.reporterId = reporterId;
        g.reporter = reporter;
        g.snapshot = uint48(currentBlock - 1);
        g.voteStart = uint48(currentBlock + _p.votingDelay);
        g.voteEnd = g.voteStart + _p.votingPeriod;
        g.ratificationDeadline = g.voteEnd + _p.ratificationWindow;
        g.bond = bond;
        g.quorum = (ghostTotalTrustAt(g.snapshot) * _p.quorumShare) / ONE;
        g.expelThreshold = _p.expelThreshold;
        g.misuseThreshold = _p.misuseThreshold;
        ghostOpenCase[accusedId] = caseId;
        // Every organization's trust at the snapshot, read now: later ratings must not move the vote weights.
        for (uint256 i = 0; i < _organizations.length; ++i) {
            uint256 orgId = _organizations[i];
            if (ghostActivatedAt[orgId] != 0) _snapshotTrust[caseId][orgId] = ledger.trustAt(orgId, g.snapshot);
        }
        _expected.opened = caseId;
    }

    /// @dev A successful flag: the case opens and the bond (bondShare of the reporter's trust) is locked.
    function _flag(
        address account,
        uint256 reporterId,
        uint256 accusedId,
        uint16 reasonCode,
        bytes32 evidence
    ) private {
        uint256 trust = ledger.trustOf(reporterId);
        uint256 bond = (trust * _p.bondShare) / ONE;
        uint256 caseId = _openGhostCase(accusedId, reporterId, account, bond);
        vm.prank(account);
        _expectEqual("caseId", caseId, penalty.flag(accusedId, reasonCode, evidence));
        _expectEqual("reporter trust after the bond", trust - bond, ledger.trustOf(reporterId));
        _checkCase(caseId);
        ++calls["flag"];
    }

    /// @dev The error a flag must revert with, in the contract's order of checks; empty when it must succeed.
    function _flagFailure(address account, uint256 reporterId, uint256 accusedId) private view returns (bytes memory) {
        if (reporterId == 0 || ghostStatus[reporterId] != IEntityRegistry.Status.Active) {
            return abi.encodeWithSelector(IPenaltyCases.PenaltyCasesNotActiveMember.selector, account);
        }
        if (reporterId == accusedId) {
            return abi.encodeWithSelector(IPenaltyCases.PenaltyCasesSelfFlag.selector, reporterId);
        }
        if (_barred(reporterId)) {
            return
                abi.encodeWithSelector(
                    IPenaltyCases.PenaltyCasesReporterBarred.selector,
                    reporterId,
                    _records[reporterId].barredUntil
                );
        }
        uint256 trust = ledger.trustOf(reporterId);
        if (trust < _p.reportingThreshold) {
            return
                abi.encodeWithSelector(
                    IPenaltyCases.PenaltyCasesReporterBelowThreshold.selector,
                    reporterId,
                    trust,
                    _p.reportingThreshold
                );
        }
        IEntityRegistry.Status status = ghostStatus[accusedId];
        if (status != IEntityRegistry.Status.Active) {
            return abi.encodeWithSelector(IPenaltyCases.PenaltyCasesAccusedNotActive.selector, accusedId, status);
        }
        if (ghostOpenCase[accusedId] != 0) {
            return
                abi.encodeWithSelector(
                    IPenaltyCases.PenaltyCasesCaseAlreadyOpen.selector,
                    accusedId,
                    ghostOpenCase[accusedId]
                );
        }
        return "";
    }

    /// @dev The error a vote must revert with, in the contract's order of checks; empty when it must count.
    function _voteFailure(uint256 caseId, uint8 support, address voter) private view returns (bytes memory) {
        if (_unknown(caseId)) return abi.encodeWithSelector(IPenaltyCases.PenaltyCasesUnknownCase.selector, caseId);
        IPenaltyCases.CaseState current = _modelState(caseId);
        if (current != IPenaltyCases.CaseState.Active) {
            return
                abi.encodeWithSelector(
                    IPenaltyCases.PenaltyCasesUnexpectedState.selector,
                    caseId,
                    current,
                    IPenaltyCases.CaseState.Active
                );
        }
        if (support > uint8(IPenaltyCases.VoteType.Abstain)) {
            return abi.encodeWithSelector(IPenaltyCases.PenaltyCasesInvalidVoteType.selector, support);
        }
        uint256 orgId = ghostOrganizationOf[voter];
        if (orgId == 0 || ghostStatus[orgId] != IEntityRegistry.Status.Active) {
            return abi.encodeWithSelector(IPenaltyCases.PenaltyCasesNotActiveMember.selector, voter);
        }
        if (orgId == _cases[caseId].accusedId) {
            return abi.encodeWithSelector(IPenaltyCases.PenaltyCasesAccusedCannotVote.selector, caseId, orgId);
        }
        if (orgId == _cases[caseId].reporterId) {
            return abi.encodeWithSelector(IPenaltyCases.PenaltyCasesReporterCannotVote.selector, caseId, orgId);
        }
        if (_voted[caseId][orgId]) {
            return abi.encodeWithSelector(IPenaltyCases.PenaltyCasesAlreadyVoted.selector, caseId, orgId);
        }
        if (_snapshotTrust[caseId][orgId] == 0) {
            return abi.encodeWithSelector(IPenaltyCases.PenaltyCasesNoWeight.selector, caseId, orgId);
        }
        return "";
    }

    /// @dev Counts a vote in the model; returns its weight (the voter organization's trust at the snapshot).
    function _countVote(uint256 caseId, uint8 support, address voter) private returns (uint256 weight) {
        uint256 orgId = ghostOrganizationOf[voter];
        GhostCase storage g = _cases[caseId];
        weight = _snapshotTrust[caseId][orgId];
        _voted[caseId][orgId] = true;
        _voterOrganizations[caseId].push(orgId);
        if (support == uint8(IPenaltyCases.VoteType.Expel)) g.expelWeight += weight;
        else if (support == uint8(IPenaltyCases.VoteType.Keep)) g.keepWeight += weight;
        else g.abstainWeight += weight;
        if (ledger.trustOf(orgId) != weight) ++calls["vote weight != current trust"];
    }

    /// @dev Reverts unless voting is over and the case unresolved (Succeeded or Defeated); empty when it is.
    function _concludedFailure(uint256 caseId) private view returns (bytes memory) {
        IPenaltyCases.CaseState current = _modelState(caseId);
        if (current == IPenaltyCases.CaseState.Succeeded || current == IPenaltyCases.CaseState.Defeated) return "";
        return
            abi.encodeWithSelector(
                IPenaltyCases.PenaltyCasesUnexpectedState.selector,
                caseId,
                current,
                IPenaltyCases.CaseState.Succeeded
            );
    }

    /**
     * @dev Resolves a case through `ratify` (`ratified`) or `execute`, after predicting its effects: the accused
     * expelled (trust zero, accounts without rights) and the bond released, or the accused kept and the reporter's
     * flag inquired into (bond released, or forfeited with a misuse counted and perhaps a bar).
     */
    function _resolve(uint256 caseId, bool expel, bool ratified, address caller, bytes32 reasonHash) private {
        GhostCase storage g = _cases[caseId];
        uint256 reporterId = g.reporterId;
        bool reporterActive = reporterId != 0 && ghostStatus[reporterId] == IEntityRegistry.Status.Active;
        uint256 reporterTrust = reporterActive ? ledger.trustOf(reporterId) : 0;
        bool release = expel || (reporterId != 0 && !_isMisuse(g));

        g.finalized = true;
        g.ratified = ratified;
        g.resolution = expel ? IPenaltyCases.CaseState.Executed : IPenaltyCases.CaseState.Dismissed;
        g.resolvedAt = uint48(currentBlock);
        ghostOpenCase[g.accusedId] = 0;
        if (expel) {
            ghostStatus[g.accusedId] = IEntityRegistry.Status.Expelled;
            g.liabilityShare = _p.liabilityShare;
            g.liable = currentBlock <= ghostActivatedAt[g.accusedId] + _p.liabilityWindow;
        } else if (reporterId != 0 && !release) {
            _recordMisuse(reporterId);
        }
        _expected.resolved = caseId;
        _expected.expelled = expel;
        _expected.ratified = ratified;

        vm.prank(caller);
        if (ratified) penalty.ratify(caseId, expel, reasonHash);
        else penalty.execute(caseId);

        if (reporterActive) {
            uint256 expectedTrust = release ? reporterTrust + g.bond : reporterTrust;
            if (expectedTrust > ONE) expectedTrust = ONE;
            _expectEqual("reporter trust after resolution", expectedTrust, ledger.trustOf(reporterId));
        }
        _expectEqual("accused status", uint256(ghostStatus[g.accusedId]), uint256(registry.statusOf(g.accusedId)));
        if (expel) _expectEqual("expelled trust", 0, ledger.trustOf(g.accusedId));
        _checkCase(caseId);
    }

    /// @dev A misuse in the model: counted in the current window (or a new one), and a bar at the maximum.
    function _recordMisuse(uint256 reporterId) private {
        IPenaltyCases.ReporterRecord storage r = _records[reporterId];
        if (r.misuses == 0 || currentBlock > uint256(r.windowStart) + _p.misuseWindow) {
            r.misuses = 1;
            r.windowStart = uint48(currentBlock);
        } else {
            ++r.misuses;
        }
        if (r.misuses >= _p.maxMisuses) {
            r.barredUntil = uint48(currentBlock + _p.barPeriod);
            ++calls["reporter barred"];
        }
    }

    /// @dev The error applyLiability must revert with, in the contract's order of checks; empty on success.
    function _liabilityFailure(uint256 caseId, uint256 recommenderId) private view returns (bytes memory) {
        if (_unknown(caseId)) return abi.encodeWithSelector(IPenaltyCases.PenaltyCasesUnknownCase.selector, caseId);
        GhostCase storage g = _cases[caseId];
        if (g.resolution != IPenaltyCases.CaseState.Executed) {
            return
                abi.encodeWithSelector(
                    IPenaltyCases.PenaltyCasesUnexpectedState.selector,
                    caseId,
                    _modelState(caseId),
                    IPenaltyCases.CaseState.Executed
                );
        }
        if (_liabilityApplied[caseId][recommenderId]) {
            return
                abi.encodeWithSelector(
                    IPenaltyCases.PenaltyCasesLiabilityAlreadyApplied.selector,
                    caseId,
                    recommenderId
                );
        }
        if (!_recommended[g.accusedId][recommenderId]) {
            return abi.encodeWithSelector(IPenaltyCases.PenaltyCasesNotLiable.selector, caseId, recommenderId);
        }
        if (!g.liable) {
            return
                abi.encodeWithSelector(
                    IPenaltyCases.PenaltyCasesLiabilityWindowPassed.selector,
                    caseId,
                    ghostActivatedAt[g.accusedId]
                );
        }
        return "";
    }

    /// @dev The contract's case must match the model's, field by field, and its state the model's state.
    function _checkCase(uint256 caseId) private view {
        IPenaltyCases.Case memory c = penalty.getCase(caseId);
        GhostCase storage g = _cases[caseId];
        _expectEqual("accusedId", g.accusedId, c.accusedId);
        _expectEqual("reporterId", g.reporterId, c.reporterId);
        _expectEqual("reporter", uint160(g.reporter), uint160(c.reporter));
        _expectEqual("snapshot", g.snapshot, c.snapshot);
        _expectEqual("voteStart", g.voteStart, c.voteStart);
        _expectEqual("voteEnd", g.voteEnd, c.voteEnd);
        _expectEqual("ratificationDeadline", g.ratificationDeadline, c.ratificationDeadline);
        _expectEqual("resolvedAt", g.resolvedAt, c.resolvedAt);
        _expectEqual("bond", g.bond, c.bond);
        _expectEqual("quorum", g.quorum, c.quorum);
        _expectEqual("expelWeight", g.expelWeight, c.expelWeight);
        _expectEqual("keepWeight", g.keepWeight, c.keepWeight);
        _expectEqual("abstainWeight", g.abstainWeight, c.abstainWeight);
        _expectEqual("resolution", uint256(g.resolution), uint256(c.resolution));
        _expectEqual("finalized", g.finalized ? 1 : 0, c.finalized ? 1 : 0);
        _expectEqual("ratified", g.ratified ? 1 : 0, c.ratified ? 1 : 0);
        _expectEqual("state", uint256(_modelState(caseId)), uint256(penalty.state(caseId)));
    }

    // ------------------------------------------------------------------ internals: logs

    /// @dev Checks the PenaltyCases events recorded during the action against `_expected`, counts CaseResolved
    /// per case, and clears the expectations.
    function _checkLogs() private {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        ExpectedLogs memory expected = _expected;
        delete _expected;
        uint256 opened;
        uint256 resolved;
        uint256 ratifications;
        uint256 ignored;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter != address(penalty)) continue;
            bytes32 topic = logs[i].topics[0];
            if (topic == IPenaltyCases.CaseOpened.selector) {
                ++opened;
                _expectEqual("CaseOpened id", expected.opened, uint256(logs[i].topics[1]));
            } else if (topic == IPenaltyCases.CaseResolved.selector) {
                ++resolved;
                uint256 caseId = uint256(logs[i].topics[1]);
                ++ghostResolvedEvents[caseId];
                _expectEqual("CaseResolved id", expected.resolved, caseId);
                (bool expelled, bool ratified) = abi.decode(logs[i].data, (bool, bool));
                _expectEqual("CaseResolved expelled", expected.expelled ? 1 : 0, expelled ? 1 : 0);
                _expectEqual("CaseResolved ratified", expected.ratified ? 1 : 0, ratified ? 1 : 0);
            } else if (topic == IPenaltyCases.CaseRatified.selector) {
                ++ratifications;
                (bool expel, bool overturned, ) = abi.decode(logs[i].data, (bool, bool, bytes32));
                _expectEqual("CaseRatified expel", expected.expelled ? 1 : 0, expel ? 1 : 0);
                _expectEqual("CaseRatified overturned", expected.overturned ? 1 : 0, overturned ? 1 : 0);
            } else if (topic == IPenaltyCases.PlatformSignalIgnored.selector) {
                ++ignored;
                _expectEqual(
                    "PlatformSignalIgnored case",
                    expected.ignoredOpenCase,
                    abi.decode(logs[i].data, (uint256))
                );
            }
        }
        _expectEqual("CaseOpened events", expected.opened == 0 ? 0 : 1, opened);
        _expectEqual("CaseResolved events", expected.resolved == 0 ? 0 : 1, resolved);
        _expectEqual("CaseRatified events", expected.checkRatification ? 1 : 0, ratifications);
        _expectEqual("PlatformSignalIgnored events", expected.ignored ? 1 : 0, ignored);
    }

    // ------------------------------------------------------------------ internals: picks

    /// @dev Moves to a later block, after recording the total trust at the end of the one left.
    function _advance(uint256 blocks) private {
        _blockTotals.push(BlockTotal(currentBlock, ledger.totalTrust()));
        currentBlock += blocks;
        currentTimestamp += 2 * blocks;
        vm.roll(currentBlock);
        vm.warp(currentTimestamp);
    }

    /// @dev Registers a new organization with a free actor as admin; 0 when every actor is bound.
    function _register(uint256 actorSeed, uint256 countrySeed) private returns (uint256 orgId) {
        address admin = _pickUnbound(actorSeed);
        if (admin == address(0)) return 0;
        uint256 nonce = ++_nonce;
        vm.prank(admin);
        orgId = registry.requestJoin(
            keccak256(abi.encode("identity", nonce)),
            _countries[countrySeed % _countries.length],
            keccak256(abi.encode("profile", nonce)),
            "ipfs://profile"
        );
        _expectEqual("orgId", _organizations.length + 1, orgId);
        _organizations.push(orgId);
        ghostStatus[orgId] = IEntityRegistry.Status.Pending;
        _bind(admin, orgId);
    }

    function _bind(address account, uint256 orgId) private {
        ghostOrganizationOf[account] = orgId;
        _members[orgId].push(account);
        if (!_known[account]) {
            _known[account] = true;
            _accounts.push(account);
        }
    }

    /// @dev The first actor from `seed` on that is bound to no organization; zero if all are.
    function _pickUnbound(uint256 seed) private view returns (address) {
        uint256 count = _actors.length;
        for (uint256 i = 0; i < count; ++i) {
            address actor = _actors[((seed % count) + i) % count];
            if (ghostOrganizationOf[actor] == 0) return actor;
        }
        return address(0);
    }

    /// @dev The first bound account from `seed` on whose organization is Active; zero if none.
    function _pickActiveMember(uint256 seed) private view returns (address) {
        uint256 count = _accounts.length;
        for (uint256 i = 0; i < count; ++i) {
            address account = _accounts[((seed % count) + i) % count];
            if (ghostStatus[ghostOrganizationOf[account]] == IEntityRegistry.Status.Active) return account;
        }
        return address(0);
    }

    /// @dev The first organization from `seed` on in `status` other than `excluded`; zero if none.
    function _pickOrganization(
        uint256 seed,
        IEntityRegistry.Status status,
        uint256 excluded
    ) private view returns (uint256) {
        uint256 count = _organizations.length;
        for (uint256 i = 0; i < count; ++i) {
            uint256 orgId = _organizations[((seed % count) + i) % count];
            if (orgId != excluded && ghostStatus[orgId] == status) return orgId;
        }
        return 0;
    }

    /// @dev Three draws in four: pick a target on which the call is likely to succeed (else any target).
    function _likely(uint256 mode) private pure returns (bool) {
        return mode % 4 != 0;
    }

    /// @dev Any case id, with 0 and the next id (both unknown) in the draw.
    function _anyCaseId(uint256 seed) private view returns (uint256) {
        return seed % (_cases.length + 1);
    }

    /**
     * @dev A voter and a case. `likely`: an Active case (model) and an account of an Active organization that is
     * neither the accused nor the reporter and has not voted on it (zero if none); otherwise any actor and any case
     * id.
     */
    function _pickBallot(
        uint256 accountSeed,
        uint256 caseSeed,
        bool likely
    ) private view returns (address voter, uint256 caseId) {
        uint256 cases = _cases.length - 1;
        if (!likely) {
            // Any actor (unbound, of the accused, of an organization that voted or joined after the snapshot, of an
            // expelled one), on an Active case half the time, else on any case id.
            voter = _actors[accountSeed % _actors.length];
            caseId = _anyCaseId(caseSeed);
            if ((caseSeed >> 128) % 2 == 0) {
                for (uint256 i = 0; i < cases; ++i) {
                    uint256 id = (((caseSeed % cases) + i) % cases) + 1;
                    if (_modelState(id) != IPenaltyCases.CaseState.Active) continue;
                    // One time in four an account of the accused itself, of the reporter, or of an organization that
                    // already voted (if any).
                    uint256 party = (accountSeed >> 128) % 4;
                    uint256[] storage voters = _voterOrganizations[id];
                    if (party == 0) voter = _members[_cases[id].accusedId][0];
                    else if (party == 1 && _cases[id].reporterId != 0) voter = _members[_cases[id].reporterId][0];
                    else if (party == 2 && voters.length != 0) voter = _members[voters[accountSeed % voters.length]][0];
                    return (voter, id);
                }
            }
            return (voter, caseId);
        }
        uint256 accounts = _accounts.length;
        for (uint256 i = 0; i < cases; ++i) {
            caseId = (((caseSeed % cases) + i) % cases) + 1;
            if (_modelState(caseId) != IPenaltyCases.CaseState.Active) continue;
            for (uint256 j = 0; j < accounts; ++j) {
                voter = _accounts[((accountSeed % accounts) + j) % accounts];
                uint256 orgId = ghostOrganizationOf[voter];
                if (ghostStatus[orgId] != IEntityRegistry.Status.Active) continue;
                if (orgId == _cases[caseId].accusedId || orgId == _cases[caseId].reporterId) continue;
                if (_voted[caseId][orgId]) continue;
                return (voter, caseId);
            }
        }
        return (address(0), 0);
    }

    /// @dev A Succeeded or Defeated case, not finalized (`inWindow`: any, still in its ratification window).
    function _pickConcluded(uint256 seed, bool inWindow) private view returns (uint256) {
        uint256 cases = _cases.length - 1;
        for (uint256 i = 0; i < cases; ++i) {
            uint256 caseId = (((seed % cases) + i) % cases) + 1;
            if (_concludedFailure(caseId).length != 0) continue;
            if (inWindow ? currentBlock <= _cases[caseId].ratificationDeadline : !_cases[caseId].finalized) {
                return caseId;
            }
        }
        return 0;
    }

    /// @dev Half the time a Succeeded or Defeated case whatever its window (if any), else any case id.
    function _anyOrConcluded(uint256 seed) private view returns (uint256) {
        uint256 cases = _cases.length - 1;
        if ((seed >> 128) % 2 == 0) {
            for (uint256 i = 0; i < cases; ++i) {
                uint256 caseId = (((seed % cases) + i) % cases) + 1;
                if (_concludedFailure(caseId).length == 0) return caseId;
            }
        }
        return _anyCaseId(seed);
    }

    /// @dev A Succeeded or Defeated case whose ratification deadline has passed.
    function _pickExecutable(uint256 seed) private view returns (uint256) {
        uint256 cases = _cases.length - 1;
        for (uint256 i = 0; i < cases; ++i) {
            uint256 caseId = (((seed % cases) + i) % cases) + 1;
            if (_concludedFailure(caseId).length == 0 && currentBlock > _cases[caseId].ratificationDeadline) {
                return caseId;
            }
        }
        return 0;
    }

    /// @dev A resolved case.
    function _pickResolved(uint256 seed) private view returns (uint256) {
        uint256 cases = _cases.length - 1;
        for (uint256 i = 0; i < cases; ++i) {
            uint256 caseId = (((seed % cases) + i) % cases) + 1;
            if (_cases[caseId].resolution != IPenaltyCases.CaseState.None) return caseId;
        }
        return 0;
    }

    /**
     * @dev An Executed case and a recommender of the expelled organization whose liability is not applied yet; if
     * there is none, the first Executed case from `caseSeed` and any organization (a refusal).
     */
    function _pickLiability(uint256 caseSeed, uint256 recommenderSeed) private view returns (uint256, uint256) {
        uint256 cases = _cases.length - 1;
        uint256 fallbackCase;
        for (uint256 i = 0; i < cases; ++i) {
            uint256 caseId = (((caseSeed % cases) + i) % cases) + 1;
            if (_cases[caseId].resolution != IPenaltyCases.CaseState.Executed) continue;
            if (fallbackCase == 0) fallbackCase = caseId;
            uint256[] storage recommenders = _recommenders[_cases[caseId].accusedId];
            for (uint256 j = 0; j < recommenders.length; ++j) {
                uint256 recommenderId = recommenders[
                    ((recommenderSeed % recommenders.length) + j) % recommenders.length
                ];
                if (!_liabilityApplied[caseId][recommenderId]) return (caseId, recommenderId);
            }
        }
        if (fallbackCase == 0) return (0, 0);
        return (fallbackCase, _organizations[recommenderSeed % _organizations.length]);
    }

    /// @dev An actor other than `account`.
    function _otherActor(address account, uint256 seed) private view returns (address) {
        address other = _actors[seed % _actors.length];
        return other == account ? _actors[((seed % _actors.length) + 1) % _actors.length] : other;
    }

    /// @dev Keep, Expel or Abstain; one draw in sixteen an invalid type (3 to 255).
    function _support(uint256 seed) private pure returns (uint8) {
        if (seed % 16 == 15) return uint8(_bound(seed >> 8, 3, type(uint8).max));
        return uint8(seed % 3);
    }

    function _level(uint256 seed) private pure returns (ITrustLedger.Level) {
        return ITrustLedger.Level(_bound(seed, uint8(ITrustLedger.Level.Low), uint8(ITrustLedger.Level.High)));
    }

    /// @dev A rating of a new contribution (ids never repeat, so the ledger never refuses it as a duplicate).
    function _rating(uint256 orgId, ITrustLedger.Scores memory scores) private returns (ITrustLedger.Rating memory) {
        uint256 nonce = ++_nonce;
        return
            ITrustLedger.Rating({
                orgId: orgId,
                contributionId: keccak256(abi.encode("contribution", nonce)),
                scores: scores,
                evidenceHash: keccak256(abi.encode("rating evidence", nonce))
            });
    }

    // ------------------------------------------------------------------ internals: signatures

    /// @dev `signer`'s signature of the ballot's EIP-712 digest (r, s, v packed, as ethers and viem encode it).
    function _sign(
        address signer,
        uint256 caseId,
        uint8 support,
        address voter,
        uint256 nonce,
        uint256 deadline
    ) private view returns (bytes memory) {
        bytes32 structHash = keccak256(abi.encode(BALLOT_TYPEHASH, caseId, support, voter, nonce, deadline));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_keys[signer], digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev Relays the last relayed ballot again: its nonce is spent, so it no longer recovers to the voter.
    function _replayBallot(address relayer) private {
        Ballot memory b = _lastBallot;
        if (b.voter == address(0)) return;
        bytes memory failure =
            currentTimestamp > b.deadline
                ? abi.encodeWithSelector(IPenaltyCases.PenaltyCasesExpiredSignature.selector, b.deadline)
                : abi.encodeWithSelector(IPenaltyCases.PenaltyCasesInvalidSignature.selector, b.voter);
        vm.prank(relayer);
        try penalty.castVoteBySig(b.caseId, b.support, b.voter, b.deadline, b.signature) {
            revert HandlerModelMismatch("replayed ballot counted", b.caseId, uint160(b.voter));
        } catch (bytes memory reason) {
            _expectError(reason, failure);
        }
        ++calls["castVoteBySig (replay)"];
    }

    // ------------------------------------------------------------------ internals: checks

    /// @dev Counts a refused call for the call summary: by action, and by the error's selector.
    function _refused(bytes32 action, bytes memory failure) private {
        ++calls[action];
        ++refusals[bytes4(failure)];
    }

    function _expectEqual(string memory what, uint256 expected, uint256 actual) private pure {
        if (expected != actual) revert HandlerModelMismatch(what, expected, actual);
    }

    function _expectError(bytes memory actual, bytes memory expected) private pure {
        if (keccak256(actual) != keccak256(expected)) {
            revert HandlerModelMismatch("revert reason", uint256(bytes32(expected)), uint256(bytes32(actual)));
        }
    }
}
