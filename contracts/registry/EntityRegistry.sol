// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IEntityRegistry} from "../interfaces/IEntityRegistry.sol";
import {ITrustLedger} from "../interfaces/ITrustLedger.sol";
import {TrustMath} from "../trust/TrustMath.sol";

/**
 * @title EntityRegistry
 * @notice Organizations, their member accounts, profile records and recommendations (see {IEntityRegistry}).
 * @dev UUPS-upgradeable; state lives in ERC-7201 namespaced storage. Restricted functions are gated by the
 * suite's AccessManager (roles in {Roles}); per-organization rights (the organization's admin account) are
 * checked here. Every operation costs constant gas: nothing loops over organizations, accounts or
 * recommendations.
 */
contract EntityRegistry is IEntityRegistry, Initializable, AccessManagedUpgradeable, UUPSUpgradeable {
    using SafeCast for uint256;

    /// @custom:storage-location erc7201:credence.storage.EntityRegistry
    struct EntityRegistryStorage {
        ITrustLedger ledger;
        uint256 organizationCount;
        EntryCriteria criteria;
        mapping(uint256 orgId => Organization) organizations;
        mapping(bytes32 identityHash => uint256 orgId) byIdentity;
        mapping(address account => uint256 orgId) orgOf;
        mapping(bytes2 code => Country) countries;
        mapping(uint256 candidateId => mapping(uint256 recommenderId => Recommendation)) recommendations;
        // Recommender ids in order, four 64-bit ids to a slot (id i in slot i / 4, bits 64 * (i % 4) up); their
        // count is the candidate's recommendationCount, so there is no length slot to write.
        mapping(uint256 candidateId => mapping(uint256 quad => uint256 ids)) recommenders;
    }

    // keccak256(abi.encode(uint256(keccak256("credence.storage.EntityRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0x561492a0461aef335c1472e7aa9fe45453a2eb88e8770a88f17b627624d2a200;

    /// @dev The most recommendations criteria may allow; keeps liability bookkeeping bounded.
    uint16 private constant MAX_RECOMMENDATIONS_LIMIT = 64;

    /// @dev The highest organization id: ids are packed in 64 bits (recommenders here, cases in PenaltyCases).
    uint256 private constant MAX_ORGANIZATIONS = type(uint64).max;

    modifier onlyOrganizationAdmin(uint256 orgId) {
        _checkOrganizationAdmin(orgId);
        _;
    }

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /**
     * @notice Initializes the proxy.
     * @param authority The suite's AccessManager.
     * @param ledger_ The TrustLedger proxy.
     * @param criteria The community's entry criteria.
     * @param countries The initial country table, excluded countries included.
     */
    function initialize(
        address authority,
        ITrustLedger ledger_,
        EntryCriteria calldata criteria,
        CountryEntry[] calldata countries
    ) external initializer {
        if (authority == address(0) || address(ledger_) == address(0)) revert EntityRegistryZeroAddress();
        __AccessManaged_init(authority);
        EntityRegistryStorage storage $ = _storage();
        $.ledger = ledger_;
        _setEntryCriteria(criteria);
        // Bounded by the deployment's own calldata, run once.
        for (uint256 i = 0; i < countries.length; ++i) {
            _setCountry(countries[i].code, countries[i].country);
        }
    }

    // ------------------------------------------------------------------ joining

    /// @inheritdoc IEntityRegistry
    function requestJoin(
        bytes32 identityHash,
        bytes2 countryCode,
        bytes32 profileHash,
        string calldata profileURI
    ) external returns (uint256) {
        return _join(identityHash, countryCode, msg.sender, profileHash, profileURI);
    }

    /// @inheritdoc IEntityRegistry
    function requestJoinFor(JoinRequest calldata request) external restricted returns (uint256) {
        return _join(request.identityHash, request.country, request.admin, request.profileHash, request.profileURI);
    }

    /// @inheritdoc IEntityRegistry
    function recommend(uint256 candidateId, uint256 score) external {
        EntityRegistryStorage storage $ = _storage();
        uint256 recommenderId = _activeOrganizationOf(msg.sender);
        if (recommenderId == candidateId) revert EntityRegistrySelfRecommendation(candidateId);
        Organization storage candidate = _checkStatus(candidateId, Status.Pending);
        if (score > TrustMath.ONE) revert EntityRegistryScoreOutOfRange(score);
        if ($.recommendations[candidateId][recommenderId].recommendedAt != 0) {
            revert EntityRegistryAlreadyRecommended(candidateId, recommenderId);
        }
        uint16 maxRecommendations = $.criteria.maxRecommendations;
        if (candidate.recommendationCount >= maxRecommendations) {
            revert EntityRegistryTooManyRecommendations(candidateId, maxRecommendations);
        }

        // The recommender's weight is its trust now; later changes of its trust do not reweigh the record.
        uint256 weight = $.ledger.trustOf(recommenderId);
        $.recommendations[candidateId][recommenderId] = Recommendation({
            score: uint64(score),
            weight: uint64(weight),
            recommendedAt: _clock()
        });
        uint256 index = candidate.recommendationCount;
        // Ids are at most MAX_ORGANIZATIONS (see {_join}): 64 bits hold them.
        $.recommenders[candidateId][index >> 2] |= recommenderId << ((index & 3) << 6);
        // Bounded by maxRecommendations * 1e18 <= 64e18, far below 2^96.
        candidate.recommendationCount = uint16(index + 1);
        candidate.recommendationWeightSum += uint96(weight);
        candidate.recommendationScoreSum += uint96((weight * score) / TrustMath.ONE);

        emit RecommendationMade(candidateId, recommenderId, msg.sender, score, weight);
    }

    /// @inheritdoc IEntityRegistry
    function activate(
        uint256 orgId,
        ITrustLedger.Level legal,
        ITrustLedger.Level capability
    ) external restricted returns (uint256 initialTrust) {
        EntityRegistryStorage storage $ = _storage();
        Organization storage org = _checkStatus(orgId, Status.Pending);
        if (legal == ITrustLedger.Level.None) revert EntityRegistryMissingField("legal");
        if (capability == ITrustLedger.Level.None) revert EntityRegistryMissingField("capability");

        EntryCriteria memory criteria = $.criteria;
        Country memory home = $.countries[org.country];
        if (!home.listed) revert EntityRegistryUnknownCountry(org.country);
        if (home.excluded) revert EntityRegistryExcludedCountry(org.country);
        if (org.recommendationCount < criteria.minRecommendations) {
            revert EntityRegistryEntryCriteriaNotMet(
                orgId,
                "recommendations",
                org.recommendationCount,
                criteria.minRecommendations
            );
        }
        if (capability < criteria.minCapability) {
            revert EntityRegistryEntryCriteriaNotMet(
                orgId,
                "capability",
                uint8(capability),
                uint8(criteria.minCapability)
            );
        }
        if (legal < criteria.minLegal) {
            revert EntityRegistryEntryCriteriaNotMet(orgId, "legal", uint8(legal), uint8(criteria.minLegal));
        }
        uint256 preTrust = $.ledger.computePreTrust(org.recommendationScoreSum, org.recommendationWeightSum);
        if (preTrust < criteria.minPreTrust) {
            revert EntityRegistryEntryCriteriaNotMet(orgId, "preTrust", preTrust, criteria.minPreTrust);
        }

        org.status = Status.Active;
        org.legal = legal;
        org.capability = capability;
        org.activatedAt = _clock();
        org.preTrust = preTrust.toUint64();
        initialTrust = $.ledger.initializeTrust(
            orgId,
            ITrustLedger.InitialTrustInputs({
                preTrust: preTrust,
                legal: legal,
                capability: capability,
                indirect: _indirectTrust(home)
            })
        );
        org.initialTrust = initialTrust.toUint64();
        emit OrganizationActivated(orgId, legal, capability, preTrust, initialTrust);
    }

    /// @inheritdoc IEntityRegistry
    function reject(uint256 orgId, bytes32 reasonHash) external restricted {
        Organization storage org = _checkStatus(orgId, Status.Pending);
        org.status = Status.Rejected;
        emit OrganizationRejected(orgId, reasonHash);
    }

    /// @inheritdoc IEntityRegistry
    function expel(uint256 orgId, bytes32 reasonHash) external restricted {
        Organization storage org = _checkStatus(orgId, Status.Active);
        org.status = Status.Expelled;
        _storage().ledger.clearTrust(orgId, reasonHash);
        emit OrganizationExpelled(orgId, reasonHash);
    }

    // ------------------------------------------------------------------ member accounts and records

    /// @inheritdoc IEntityRegistry
    function addMember(uint256 orgId, address account) external onlyOrganizationAdmin(orgId) {
        Organization storage org = _checkPendingOrActive(orgId);
        _bind(orgId, account);
        ++org.memberCount;
        emit MemberAdded(orgId, account, msg.sender);
    }

    /// @inheritdoc IEntityRegistry
    function removeMember(uint256 orgId, address account) external onlyOrganizationAdmin(orgId) {
        EntityRegistryStorage storage $ = _storage();
        Organization storage org = $.organizations[orgId];
        if (org.status == Status.Expelled) {
            revert EntityRegistryUnexpectedStatus(orgId, Status.Expelled, Status.Active);
        }
        if ($.orgOf[account] != orgId) revert EntityRegistryNotMemberOf(orgId, account);
        if (account == org.admin) {
            // A live organization keeps its admin. A rejected one's admin may leave last (to ask again, or to
            // act for another organization), and then nobody administers it any more.
            if (org.status != Status.Rejected || org.memberCount != 1) {
                revert EntityRegistryCannotRemoveAdmin(orgId, account);
            }
            org.admin = address(0);
        }
        delete $.orgOf[account];
        --org.memberCount;
        emit MemberRemoved(orgId, account, msg.sender);
    }

    /// @inheritdoc IEntityRegistry
    function transferAdmin(uint256 orgId, address newAdmin) external onlyOrganizationAdmin(orgId) {
        Organization storage org = _checkPendingOrActive(orgId);
        if (_storage().orgOf[newAdmin] != orgId) revert EntityRegistryNotMemberOf(orgId, newAdmin);
        address previous = org.admin;
        org.admin = newAdmin;
        emit AdminTransferred(orgId, previous, newAdmin);
    }

    /// @inheritdoc IEntityRegistry
    function setProfile(
        uint256 orgId,
        bytes32 profileHash,
        string calldata profileURI
    ) external onlyOrganizationAdmin(orgId) {
        Organization storage org = _checkPendingOrActive(orgId);
        ProfileAction action = org.profileHash == bytes32(0) ? ProfileAction.Added : ProfileAction.Edited;
        _writeProfile(orgId, org, action, profileHash, profileURI);
    }

    /// @inheritdoc IEntityRegistry
    function deleteProfile(uint256 orgId) external onlyOrganizationAdmin(orgId) {
        Organization storage org = _checkPendingOrActive(orgId);
        if (org.profileHash == bytes32(0)) revert EntityRegistryNoProfile(orgId);
        org.profileHash = bytes32(0);
        delete org.profileURI;
        uint32 version_ = ++org.profileVersion;
        emit ProfileRecordChanged(orgId, version_, ProfileAction.Deleted, bytes32(0), "");
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc IEntityRegistry
    function setCountry(bytes2 code, Country calldata country_) external restricted {
        _setCountry(code, country_);
    }

    /// @inheritdoc IEntityRegistry
    function setEntryCriteria(EntryCriteria calldata criteria) external restricted {
        _setEntryCriteria(criteria);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IEntityRegistry
    function organization(uint256 orgId) external view returns (Organization memory) {
        return _existing(orgId);
    }

    /// @inheritdoc IEntityRegistry
    function statusOf(uint256 orgId) external view returns (Status) {
        return _storage().organizations[orgId].status;
    }

    /// @inheritdoc IEntityRegistry
    function organizationOf(address account) external view returns (uint256) {
        return _storage().orgOf[account];
    }

    /// @inheritdoc IEntityRegistry
    function organizationByIdentity(bytes32 identityHash) external view returns (uint256) {
        return _storage().byIdentity[identityHash];
    }

    /// @inheritdoc IEntityRegistry
    function isActiveMember(address account) external view returns (bool) {
        EntityRegistryStorage storage $ = _storage();
        return $.organizations[$.orgOf[account]].status == Status.Active;
    }

    /// @inheritdoc IEntityRegistry
    function activeOrganizationOf(address account) external view returns (uint256) {
        return _activeOrganizationOf(account);
    }

    /// @inheritdoc IEntityRegistry
    function recommendation(uint256 candidateId, uint256 recommenderId) external view returns (Recommendation memory) {
        return _storage().recommendations[candidateId][recommenderId];
    }

    /// @inheritdoc IEntityRegistry
    function recommendersOf(uint256 candidateId) external view returns (uint256[] memory ids) {
        EntityRegistryStorage storage $ = _storage();
        uint256 count = $.organizations[candidateId].recommendationCount;
        ids = new uint256[](count);
        // Bounded by maxRecommendations (at most 64), like the array it replaces.
        for (uint256 i = 0; i < count; ++i) {
            ids[i] = uint64($.recommenders[candidateId][i >> 2] >> ((i & 3) << 6));
        }
    }

    /// @inheritdoc IEntityRegistry
    function preTrustOf(uint256 orgId) external view returns (uint256) {
        EntityRegistryStorage storage $ = _storage();
        Organization storage org = _existing(orgId);
        return $.ledger.computePreTrust(org.recommendationScoreSum, org.recommendationWeightSum);
    }

    /// @inheritdoc IEntityRegistry
    function country(bytes2 code) external view returns (Country memory) {
        return _storage().countries[code];
    }

    /// @inheritdoc IEntityRegistry
    function indirectTrustOf(bytes2 code) external view returns (uint256) {
        Country memory entry = _storage().countries[code];
        if (!entry.listed) revert EntityRegistryUnknownCountry(code);
        return _indirectTrust(entry);
    }

    /// @inheritdoc IEntityRegistry
    function entryCriteria() external view returns (EntryCriteria memory) {
        return _storage().criteria;
    }

    /// @inheritdoc IEntityRegistry
    function organizationCount() external view returns (uint256) {
        return _storage().organizationCount;
    }

    /// @inheritdoc IEntityRegistry
    function ledger() external view returns (ITrustLedger) {
        return _storage().ledger;
    }

    /// @inheritdoc IEntityRegistry
    function version() external pure virtual returns (string memory) {
        return "1.1.0";
    }

    // ------------------------------------------------------------------ internals

    function _join(
        bytes32 identityHash,
        bytes2 countryCode,
        address admin,
        bytes32 profileHash,
        string calldata profileURI
    ) private returns (uint256 orgId) {
        EntityRegistryStorage storage $ = _storage();
        if (identityHash == bytes32(0)) revert EntityRegistryMissingField("identityHash");
        if (admin == address(0)) revert EntityRegistryMissingField("admin");
        _checkCountryCode(countryCode);
        Country storage home = $.countries[countryCode];
        if (!home.listed) revert EntityRegistryUnknownCountry(countryCode);
        if (home.excluded) revert EntityRegistryExcludedCountry(countryCode);
        uint256 existing = $.byIdentity[identityHash];
        // A rejected candidate may ask again (as a new organization); any other status keeps the identity taken.
        if (existing != 0 && $.organizations[existing].status != Status.Rejected) {
            revert EntityRegistryDuplicateIdentity(identityHash, existing);
        }

        orgId = $.organizationCount + 1;
        if (orgId > MAX_ORGANIZATIONS) revert EntityRegistryTooManyOrganizations(MAX_ORGANIZATIONS);
        $.organizationCount = orgId;
        $.byIdentity[identityHash] = orgId;
        _bind(orgId, admin);
        Organization storage org = $.organizations[orgId];
        org.identityHash = identityHash;
        org.admin = admin;
        org.status = Status.Pending;
        org.country = countryCode;
        org.requestedAt = _clock();
        org.memberCount = 1;
        emit JoinRequested(orgId, identityHash, admin, countryCode, msg.sender);
        _writeProfile(orgId, org, ProfileAction.Added, profileHash, profileURI);
    }

    function _writeProfile(
        uint256 orgId,
        Organization storage org,
        ProfileAction action,
        bytes32 profileHash,
        string calldata profileURI
    ) private {
        if (profileHash == bytes32(0)) revert EntityRegistryMissingField("profileHash");
        if (bytes(profileURI).length == 0) revert EntityRegistryMissingField("profileURI");
        org.profileHash = profileHash;
        org.profileURI = profileURI;
        uint32 version_ = ++org.profileVersion;
        emit ProfileRecordChanged(orgId, version_, action, profileHash, profileURI);
    }

    function _bind(uint256 orgId, address account) private {
        EntityRegistryStorage storage $ = _storage();
        if (account == address(0)) revert EntityRegistryZeroAddress();
        uint256 bound = $.orgOf[account];
        if (bound != 0) revert EntityRegistryAccountAlreadyBound(account, bound);
        $.orgOf[account] = orgId;
    }

    function _setCountry(bytes2 code, Country calldata entry) private {
        _checkCountryCode(code);
        if (entry.dataPrivacy > TrustMath.ONE) revert EntityRegistryScoreOutOfRange(entry.dataPrivacy);
        if (entry.copyright > TrustMath.ONE) revert EntityRegistryScoreOutOfRange(entry.copyright);
        if (entry.cybercrime > TrustMath.ONE) revert EntityRegistryScoreOutOfRange(entry.cybercrime);
        _storage().countries[code] = entry;
        emit CountryUpdated(code, entry);
    }

    function _setEntryCriteria(EntryCriteria calldata criteria) private {
        if (criteria.minPreTrust > TrustMath.ONE) revert EntityRegistryInvalidEntryCriteria("minPreTrust");
        if (criteria.maxRecommendations == 0 || criteria.maxRecommendations > MAX_RECOMMENDATIONS_LIMIT) {
            revert EntityRegistryInvalidEntryCriteria("maxRecommendations");
        }
        if (criteria.minRecommendations > criteria.maxRecommendations) {
            revert EntityRegistryInvalidEntryCriteria("minRecommendations");
        }
        _storage().criteria = criteria;
        emit EntryCriteriaUpdated(criteria);
    }

    function _checkCountryCode(bytes2 code) private pure {
        bytes1 first = code[0];
        bytes1 second = code[1];
        if (first < 0x41 || first > 0x5A || second < 0x41 || second > 0x5A) {
            revert EntityRegistryInvalidCountryCode(code);
        }
    }

    function _checkOrganizationAdmin(uint256 orgId) private view {
        if (_existing(orgId).admin != msg.sender) revert EntityRegistryNotOrganizationAdmin(orgId, msg.sender);
    }

    /// @dev Reverts unless the organization exists and is in `expected`; returns it.
    function _checkStatus(uint256 orgId, Status expected) private view returns (Organization storage org) {
        org = _existing(orgId);
        if (org.status != expected) revert EntityRegistryUnexpectedStatus(orgId, org.status, expected);
    }

    /// @dev Accounts and records of Pending and Active organizations can change; Expelled and Rejected are final.
    function _checkPendingOrActive(uint256 orgId) private view returns (Organization storage org) {
        org = _existing(orgId);
        if (org.status != Status.Pending && org.status != Status.Active) {
            revert EntityRegistryUnexpectedStatus(orgId, org.status, Status.Active);
        }
    }

    function _existing(uint256 orgId) private view returns (Organization storage org) {
        org = _storage().organizations[orgId];
        if (org.status == Status.None) revert EntityRegistryUnknownOrganization(orgId);
    }

    function _activeOrganizationOf(address account) private view returns (uint256 orgId) {
        EntityRegistryStorage storage $ = _storage();
        orgId = $.orgOf[account];
        if ($.organizations[orgId].status != Status.Active) revert EntityRegistryNotActiveMember(account);
    }

    function _indirectTrust(Country memory entry) private pure returns (uint256) {
        return (uint256(entry.dataPrivacy) + entry.copyright + (TrustMath.ONE - entry.cybercrime)) / 3;
    }

    function _clock() private view returns (uint48) {
        return block.number.toUint48();
    }

    /// @dev Upgrades are authorized by the AccessManager (ADMIN role by deployment).
    function _authorizeUpgrade(address) internal override restricted {}

    function _storage() private pure returns (EntityRegistryStorage storage $) {
        assembly ("memory-safe") {
            $.slot := STORAGE_LOCATION
        }
    }
}
