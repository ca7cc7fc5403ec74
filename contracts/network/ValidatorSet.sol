// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IEntityRegistry} from "../interfaces/IEntityRegistry.sol";
import {ITrustLedger} from "../interfaces/ITrustLedger.sol";
import {IValidatorSet} from "../interfaces/IValidatorSet.sol";

/**
 * @title ValidatorSet
 * @notice The authority validators of a public community, read by Besu through {getValidators} (see
 * {IValidatorSet}).
 * @dev Deliberately not upgradeable and not under the suite's AccessManager: the authorities themselves govern
 * it, and Besu reads it from genesis on. A network moves to a new validator contract with a QBFT `transitions`
 * entry (docs/network.md).
 *
 * The storage is plain (no ERC-7201 namespace) because the network generator writes the initial state straight
 * into the genesis `alloc`, computing each slot from the compiler's storage-layout output
 * (besu-network/src/validatorSet.ts). The constructor writes exactly the same state, so a deployed contract and
 * a genesis-allocated one are interchangeable; a test compares them slot by slot. Do not reorder the variables.
 *
 * Once bound, an authority votes only while it acts for an Active organization (the one it was admitted for, if
 * admitted while bound), and anyone can remove one that does not: an expelled organization's validator leaves
 * even if its account was released first. Bind only after every authority's validator address is a member
 * account of its organization.
 *
 * Constant cost: votes are counted as they arrive and a passing vote executes at once; a removal swaps the last
 * authority into the freed position. Only {getValidators} copies the set (a read, capped at MAX_AUTHORITIES).
 */
contract ValidatorSet is IValidatorSet {
    /// @notice The largest set: BFT message cost grows with the square of the validator count.
    uint256 public constant MAX_AUTHORITIES = 64;

    /// @notice Full trust (the ledger's 18-decimal unit).
    uint256 private constant ONE = 1e18;

    // ------------------------------------------------------------------ storage (order matters: see @dev)

    /// @dev The authorities, in no particular order.
    address[] private _authorities;
    /// @dev 1-based position of an authority in `_authorities` (0: not an authority).
    mapping(address account => uint256 position) private _position;
    /// @dev The bound registry (zero while unbound); shares a slot with the two fields below.
    IEntityRegistry private _registry;
    /// @dev Incremented by every change; proposal ids include it.
    uint64 private _epoch;
    /// @dev The smallest size the set may shrink to.
    uint32 private _minimum;
    /// @dev The bound registry's ledger.
    ITrustLedger private _ledger;
    /// @dev The admission threshold once bound (18 decimals).
    uint256 private _minTrust;
    /// @dev Votes per proposal id (ids are per epoch).
    mapping(bytes32 proposal => uint256 votes) private _votes;
    /// @dev Whether an authority voted for a proposal id.
    mapping(bytes32 proposal => mapping(address voter => bool)) private _voted;
    /// @dev The organization an authority was admitted for while bound (0 otherwise), so that releasing its
    /// account before an expulsion cannot keep it in the set.
    mapping(address authority => uint256 organization) private _organization;

    /**
     * @param authorities The initial authorities (the network's validators at genesis).
     * @param minimum The smallest size the set may shrink to, between 1 and `authorities.length`.
     */
    constructor(address[] memory authorities, uint256 minimum) {
        uint256 count = authorities.length;
        if (count == 0) revert ValidatorSetEmpty();
        if (count > MAX_AUTHORITIES) revert ValidatorSetTooMany(count, MAX_AUTHORITIES);
        if (minimum == 0 || minimum > count) revert ValidatorSetInvalidMinimum(minimum, count);
        // A loop over the initial set, run once at deployment (or never: genesis writes the same state).
        for (uint256 i = 0; i < count; ++i) {
            address account = authorities[i];
            if (account == address(0)) revert ValidatorSetZeroAddress();
            if (_position[account] != 0) revert ValidatorSetDuplicate(account);
            _authorities.push(account);
            _position[account] = i + 1;
        }
        _minimum = uint32(minimum);
    }

    /// @dev An authority, and once bound one that still acts for its Active organization.
    modifier onlyAuthority() {
        if (_position[msg.sender] == 0) revert ValidatorSetNotAuthority(msg.sender);
        if (!_isActive(msg.sender)) revert ValidatorSetInactiveAuthority(msg.sender);
        _;
    }

    // ------------------------------------------------------------------ Besu

    /// @inheritdoc IValidatorSet
    function getValidators() external view returns (address[] memory) {
        return _authorities;
    }

    // ------------------------------------------------------------------ votes

    /// @inheritdoc IValidatorSet
    function voteToAdd(address candidate) external onlyAuthority {
        if (candidate == address(0)) revert ValidatorSetZeroAddress();
        if (_position[candidate] != 0) revert ValidatorSetAlreadyAuthority(candidate);
        uint256 count = _authorities.length;
        if (count >= MAX_AUTHORITIES) revert ValidatorSetTooMany(count + 1, MAX_AUTHORITIES);
        // Checked at every vote, so voters learn early, and again in effect when the last vote executes.
        uint256 organization = _eligibleOrganization(candidate);
        if (_vote(Action.Add, candidate, 0)) {
            _authorities.push(candidate);
            _position[candidate] = count + 1;
            if (organization != 0) _organization[candidate] = organization;
            emit AuthorityAdded(candidate, organization, _nextEpoch());
        }
    }

    /// @inheritdoc IValidatorSet
    function voteToRemove(address authority) external onlyAuthority {
        if (_position[authority] == 0) revert ValidatorSetNotAuthority(authority);
        _checkAboveMinimum();
        if (_vote(Action.Remove, authority, 0)) {
            _remove(authority);
            emit AuthorityRemoved(authority, false, _nextEpoch());
        }
    }

    /// @inheritdoc IValidatorSet
    function voteToBind(IEntityRegistry registry, uint256 minTrust) external onlyAuthority {
        if (address(registry) == address(0)) revert ValidatorSetZeroAddress();
        if (minTrust > ONE) revert ValidatorSetInvalidMinTrust(minTrust);
        ITrustLedger ledger = _ledgerOf(registry);
        if (_vote(Action.Bind, address(registry), minTrust)) {
            _registry = registry;
            _ledger = ledger;
            _minTrust = minTrust;
            emit Bound(registry, ledger, minTrust, _nextEpoch());
        }
    }

    /// @inheritdoc IValidatorSet
    function voteToSetMinimum(uint256 minimum) external onlyAuthority {
        uint256 count = _authorities.length;
        if (minimum == 0 || minimum > count) revert ValidatorSetInvalidMinimum(minimum, count);
        if (_vote(Action.SetMinimum, address(0), minimum)) {
            _minimum = uint32(minimum);
            emit MinimumChanged(minimum, _nextEpoch());
        }
    }

    /// @inheritdoc IValidatorSet
    function withdrawVote(Action action, address target, uint256 value) external onlyAuthority {
        // Named by its arguments, so only a proposal of the current epoch can lose a vote.
        bytes32 proposal = proposalId(action, target, value);
        if (!_voted[proposal][msg.sender]) revert ValidatorSetNoVote(proposal, msg.sender);
        _voted[proposal][msg.sender] = false;
        uint256 votes = _votes[proposal] - 1;
        _votes[proposal] = votes;
        emit VoteWithdrawn(proposal, msg.sender, votes);
    }

    /// @inheritdoc IValidatorSet
    function removeInactive(address authority) external {
        if (address(_registry) == address(0)) revert ValidatorSetNotBound();
        if (_position[authority] == 0) revert ValidatorSetNotAuthority(authority);
        if (_isActive(authority)) revert ValidatorSetAuthorityActive(authority);
        _checkAboveMinimum();
        _remove(authority);
        emit AuthorityRemoved(authority, true, _nextEpoch());
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IValidatorSet
    function isAuthority(address account) external view returns (bool) {
        return _position[account] != 0;
    }

    /// @inheritdoc IValidatorSet
    function authorityCount() external view returns (uint256) {
        return _authorities.length;
    }

    /// @inheritdoc IValidatorSet
    function minimumAuthorities() external view returns (uint256) {
        return _minimum;
    }

    /// @inheritdoc IValidatorSet
    function epoch() external view returns (uint64) {
        return _epoch;
    }

    /// @inheritdoc IValidatorSet
    function binding() external view returns (IEntityRegistry registry, ITrustLedger ledger, uint256 minTrust) {
        return (_registry, _ledger, _minTrust);
    }

    /// @inheritdoc IValidatorSet
    function proposalId(Action action, address target, uint256 value) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), _epoch, action, target, value));
    }

    /// @inheritdoc IValidatorSet
    function votesNeeded() public view returns (uint256) {
        return (_authorities.length * 2) / 3 + 1;
    }

    /// @inheritdoc IValidatorSet
    function votesFor(bytes32 proposal) external view returns (uint256) {
        return _votes[proposal];
    }

    /// @inheritdoc IValidatorSet
    function hasVoted(bytes32 proposal, address voter) external view returns (bool) {
        return _voted[proposal][voter];
    }

    /// @inheritdoc IValidatorSet
    function organizationOf(address authority) external view returns (uint256) {
        return _organization[authority];
    }

    /// @inheritdoc IValidatorSet
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    // ------------------------------------------------------------------ internals

    /// @dev Records the caller's vote; true when the proposal now has more than two thirds of the set.
    function _vote(Action action, address target, uint256 value) private returns (bool passed) {
        bytes32 proposal = proposalId(action, target, value);
        if (_voted[proposal][msg.sender]) revert ValidatorSetAlreadyVoted(proposal, msg.sender);
        _voted[proposal][msg.sender] = true;
        uint256 votes = _votes[proposal] + 1;
        _votes[proposal] = votes;
        uint256 needed = votesNeeded();
        emit VoteCast(proposal, msg.sender, action, target, value, votes, needed);
        return votes >= needed;
    }

    /// @dev Swaps the last authority into `authority`'s position and shortens the set.
    function _remove(address authority) private {
        uint256 position = _position[authority];
        uint256 last = _authorities.length;
        if (position != last) {
            address moved = _authorities[last - 1];
            _authorities[position - 1] = moved;
            _position[moved] = position;
        }
        _authorities.pop();
        delete _position[authority];
        delete _organization[authority];
    }

    /// @dev Starts a new epoch (outstanding votes lapse) and returns it.
    function _nextEpoch() private returns (uint64 next) {
        next = _epoch + 1;
        _epoch = next;
    }

    function _checkAboveMinimum() private view {
        uint256 count = _authorities.length;
        if (count <= _minimum) revert ValidatorSetAtMinimum(count, _minimum);
    }

    /// @dev The candidate's organization once bound (0 while unbound); reverts if it may not be an authority.
    function _eligibleOrganization(address candidate) private view returns (uint256 organization) {
        IEntityRegistry registry = _registry;
        if (address(registry) == address(0)) return 0;
        if (!registry.isActiveMember(candidate)) revert ValidatorSetCandidateNotActive(candidate);
        organization = registry.organizationOf(candidate);
        uint256 trust = _ledger.trustOf(organization);
        if (trust < _minTrust) revert ValidatorSetCandidateUntrusted(candidate, trust, _minTrust);
    }

    /// @dev Unbound: every authority. Bound: an account of an Active organization, the one it was admitted for
    /// if it was admitted while bound.
    function _isActive(address authority) private view returns (bool) {
        IEntityRegistry registry = _registry;
        if (address(registry) == address(0)) return true;
        if (!registry.isActiveMember(authority)) return false;
        uint256 organization = _organization[authority];
        return organization == 0 || registry.organizationOf(authority) == organization;
    }

    /// @dev The registry's ledger; reverts if `registry` does not answer `ledger()` with a contract's address.
    function _ledgerOf(IEntityRegistry registry) private view returns (ITrustLedger) {
        if (address(registry).code.length == 0) revert ValidatorSetInvalidRegistry(address(registry));
        // A low-level call: a try/catch would not catch an answer that fails to decode (it reverts in this frame).
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory data) = address(registry).staticcall(abi.encodeCall(IEntityRegistry.ledger, ()));
        if (!ok || data.length != 32) revert ValidatorSetInvalidRegistry(address(registry));
        uint256 word = abi.decode(data, (uint256));
        if (word == 0 || word > type(uint160).max || address(uint160(word)).code.length == 0) {
            revert ValidatorSetInvalidRegistry(address(registry));
        }
        return ITrustLedger(address(uint160(word)));
    }
}
