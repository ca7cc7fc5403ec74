// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ITrustLedger} from "./ITrustLedger.sol";

/**
 * @title IEntityRegistry
 * @notice Who belongs to a Credence community: organizations (the holders of trust), the member accounts that
 * act for them, their profile records, and the recommendations that seed a candidate's trust.
 *
 * An organization is unique by its identity hash (e.g. the hash of its legal identifier) and moves through
 * `Pending -> Active -> Expelled`, or `Pending -> Rejected`. Each member account acts for exactly one
 * organization, and its rights are its organization's: every Credence contract asks {isActiveMember} or
 * {activeOrganizationOf}. No personal data is stored: a profile is an off-chain document of which the chain
 * keeps the hash and the URI, versioned.
 */
interface IEntityRegistry {
    // ------------------------------------------------------------------ types

    /// @notice An organization's lifecycle state. `None` means unknown.
    enum Status {
        None,
        Pending,
        Active,
        Expelled,
        Rejected
    }

    /// @notice What a profile-record change did.
    enum ProfileAction {
        Added,
        Edited,
        Deleted
    }

    /**
     * @notice An organization. The fixed-size fields fill four slots (identity; admin to requestedAt;
     * activatedAt to recommendationWeightSum; recommendationScoreSum, preTrust, initialTrust), the profile hash
     * one more.
     * @param identityHash Hash of the legal identifier; unique in the registry.
     * @param admin The account that manages the organization's member accounts and profile.
     * @param status Lifecycle state.
     * @param country ISO 3166-1 alpha-2 code, two upper-case ASCII letters (e.g. "DE").
     * @param legal Assessed legal-contract enforceability (None until activation).
     * @param capability Assessed capability (None until activation).
     * @param requestedAt Clock (block) of the join request.
     * @param activatedAt Clock of activation (0 before).
     * @param memberCount Number of member accounts, the admin included.
     * @param recommendationCount Number of recommendations received while Pending.
     * @param profileVersion Incremented by every profile add, edit and delete.
     * @param recommendationWeightSum Sum of the recommenders' trust when they recommended.
     * @param recommendationScoreSum Sum of `trust * score / 1e18` over recommendations.
     * @param preTrust Pre-trust at activation (0 before).
     * @param initialTrust Initial trust at activation (0 before).
     * @param profileHash Hash of the current profile document (zero once deleted).
     * @param profileURI Where the current profile document is (empty once deleted).
     */
    // Packed by hand as documented above; solhint's packing heuristic counts the string and the hash too.
    // solhint-disable-next-line gas-struct-packing
    struct Organization {
        bytes32 identityHash;
        address admin;
        Status status;
        bytes2 country;
        ITrustLedger.Level legal;
        ITrustLedger.Level capability;
        uint48 requestedAt;
        uint48 activatedAt;
        uint32 memberCount;
        uint16 recommendationCount;
        uint32 profileVersion;
        uint96 recommendationWeightSum;
        uint96 recommendationScoreSum;
        uint64 preTrust;
        uint64 initialTrust;
        bytes32 profileHash;
        string profileURI;
    }

    /**
     * @notice A join request.
     * @param identityHash Hash of the legal identifier, non-zero.
     * @param country ISO 3166-1 alpha-2 code present in the country table.
     * @param admin The organization's admin account (also its first member account), non-zero and unbound.
     * @param profileHash Hash of the profile document, non-zero.
     * @param profileURI Where the profile document is, non-empty.
     */
    struct JoinRequest {
        bytes32 identityHash;
        bytes2 country;
        address admin;
        bytes32 profileHash;
        string profileURI;
    }

    /**
     * @notice A country's entry in the governance-maintained table used for indirect trust (18 decimals).
     * One slot.
     * @param dataPrivacy How well data-privacy law is upheld, in [0, 1].
     * @param copyright How well copyright is protected, in [0, 1].
     * @param cybercrime Exposure to cybercrime, in [0, 1] (higher is worse; inverted in indirect trust).
     * @param listed Whether the country is in the table (candidates from unlisted countries cannot join).
     * @param excluded Whether the community's entry criteria exclude the country.
     */
    struct Country {
        uint64 dataPrivacy;
        uint64 copyright;
        uint64 cybercrime;
        bool listed;
        bool excluded;
    }

    /// @notice A country table row, for initialization.
    struct CountryEntry {
        bytes2 code;
        Country country;
    }

    /**
     * @notice The community's entry criteria, checked at activation. One slot.
     * @param minPreTrust Lowest pre-trust (18 decimals).
     * @param minRecommendations Fewest recommendations.
     * @param maxRecommendations Most recommendations a candidate can receive (bounds liability bookkeeping).
     * @param minCapability Lowest capability grade.
     * @param minLegal Lowest legal-enforceability grade.
     */
    struct EntryCriteria {
        uint64 minPreTrust;
        uint16 minRecommendations;
        uint16 maxRecommendations;
        ITrustLedger.Level minCapability;
        ITrustLedger.Level minLegal;
    }

    /**
     * @notice One recommendation, kept for pre-trust and for the recommender's later liability. One slot.
     * @param score The recommender's score in [0, 1].
     * @param weight The recommender organization's trust when it recommended.
     * @param recommendedAt Clock of the recommendation (0: none).
     */
    struct Recommendation {
        uint64 score;
        uint64 weight;
        uint48 recommendedAt;
    }

    // ------------------------------------------------------------------ events

    /// @notice A candidate asked to join. `submittedBy` is the admin itself or the platform.
    event JoinRequested(
        uint256 indexed orgId,
        bytes32 indexed identityHash,
        address indexed admin,
        bytes2 country,
        address submittedBy
    );

    /// @notice An Active organization recommended a Pending candidate.
    event RecommendationMade(
        uint256 indexed candidateId,
        uint256 indexed recommenderId,
        address indexed account,
        uint256 score,
        uint256 weight
    );

    /// @notice The assessor activated a candidate with these grades; trust was initialized.
    event OrganizationActivated(
        uint256 indexed orgId,
        ITrustLedger.Level legal,
        ITrustLedger.Level capability,
        uint256 preTrust,
        uint256 initialTrust
    );

    /// @notice The assessor rejected a candidate.
    event OrganizationRejected(uint256 indexed orgId, bytes32 reasonHash);

    /// @notice An organization was expelled: its trust is zero and its accounts have lost their rights.
    event OrganizationExpelled(uint256 indexed orgId, bytes32 reasonHash);

    /// @notice A member account was bound to an organization.
    event MemberAdded(uint256 indexed orgId, address indexed account, address indexed by);

    /// @notice A member account was released from an organization.
    event MemberRemoved(uint256 indexed orgId, address indexed account, address indexed by);

    /// @notice The admin account of an organization changed.
    event AdminTransferred(uint256 indexed orgId, address indexed previousAdmin, address indexed newAdmin);

    /// @notice A profile record was added, edited or deleted; `version` counts every change.
    event ProfileRecordChanged(
        uint256 indexed orgId,
        uint32 indexed version,
        ProfileAction action,
        bytes32 profileHash,
        string profileURI
    );

    /// @notice A country-table row changed.
    event CountryUpdated(bytes2 indexed code, Country country);

    /// @notice The entry criteria changed.
    event EntryCriteriaUpdated(EntryCriteria criteria);

    // ------------------------------------------------------------------ errors

    /// @notice The identity is already registered as `orgId` (and `orgId` was not rejected).
    error EntityRegistryDuplicateIdentity(bytes32 identityHash, uint256 orgId);

    /// @notice The account already acts for `orgId`.
    error EntityRegistryAccountAlreadyBound(address account, uint256 orgId);

    /// @notice Not two upper-case ASCII letters.
    error EntityRegistryInvalidCountryCode(bytes2 code);

    /// @notice The country is not in the country table.
    error EntityRegistryUnknownCountry(bytes2 code);

    /// @notice The entry criteria exclude this country.
    error EntityRegistryExcludedCountry(bytes2 code);

    /// @notice A required field is zero or empty.
    error EntityRegistryMissingField(string field);

    /// @notice No organization has this id.
    error EntityRegistryUnknownOrganization(uint256 orgId);

    /// @notice The organization is in state `current`; the operation needs `expected`.
    error EntityRegistryUnexpectedStatus(uint256 orgId, Status current, Status expected);

    /// @notice The account is not a member account of an Active organization.
    error EntityRegistryNotActiveMember(address account);

    /// @notice An organization tried to recommend itself.
    error EntityRegistrySelfRecommendation(uint256 orgId);

    /// @notice The recommender organization already recommended the candidate.
    error EntityRegistryAlreadyRecommended(uint256 candidateId, uint256 recommenderId);

    /// @notice A score is above 1e18.
    error EntityRegistryScoreOutOfRange(uint256 score);

    /// @notice The candidate already has the most recommendations the criteria allow.
    error EntityRegistryTooManyRecommendations(uint256 candidateId, uint256 max);

    /// @notice The caller is not the organization's admin account.
    error EntityRegistryNotOrganizationAdmin(uint256 orgId, address account);

    /// @notice The account is not a member account of the organization.
    error EntityRegistryNotMemberOf(uint256 orgId, address account);

    /// @notice The admin account cannot be removed: transfer the admin role first (from a Rejected organization
    /// the admin may leave once it is the last member account).
    error EntityRegistryCannotRemoveAdmin(uint256 orgId, address admin);

    /// @notice The organization has no profile record to delete.
    error EntityRegistryNoProfile(uint256 orgId);

    /// @notice The candidate fails an entry criterion (`"preTrust"`, `"recommendations"`, `"capability"`, `"legal"`).
    error EntityRegistryEntryCriteriaNotMet(uint256 orgId, string criterion, uint256 actual, uint256 required);

    /// @notice The entry criteria are inconsistent (`field` names the problem).
    error EntityRegistryInvalidEntryCriteria(string field);

    /// @notice An address argument is zero.
    error EntityRegistryZeroAddress();

    /**
     * @notice Every organization id up to `max` (2^64 - 1) is taken: ids are packed in 64 bits (recommenders here,
     * case parties in PenaltyCases). Out of reach in practice: ids grow by one per join request.
     */
    error EntityRegistryTooManyOrganizations(uint256 max);

    // ------------------------------------------------------------------ joining

    /**
     * @notice The caller asks to join as the admin of a new organization. An identity is taken for good once
     * registered, except by a Rejected organization: a rejected candidate may ask again, as a new organization
     * (its admin account must first leave the rejected one with {removeMember}).
     * @param identityHash Hash of the legal identifier.
     * @param country ISO 3166-1 alpha-2 code.
     * @param profileHash Hash of the profile document.
     * @param profileURI Where the profile document is.
     * @return orgId The new organization's id: the next one, from 1 up to 2^64 - 1
     * ({EntityRegistryTooManyOrganizations} after that).
     */
    function requestJoin(
        bytes32 identityHash,
        bytes2 country,
        bytes32 profileHash,
        string calldata profileURI
    ) external returns (uint256 orgId);

    /**
     * @notice The platform submits a join request on a candidate's behalf. Restricted to ASSESSOR.
     * @param request The request; `request.admin` becomes the organization's admin account.
     * @return orgId The new organization's id.
     */
    function requestJoinFor(JoinRequest calldata request) external returns (uint256 orgId);

    /**
     * @notice The caller's Active organization recommends a Pending candidate, once.
     * @param candidateId The candidate.
     * @param score In [0, 1e18].
     */
    function recommend(uint256 candidateId, uint256 score) external;

    /**
     * @notice The assessor grades a Pending candidate and activates it if it meets the entry criteria; the
     * ledger computes its initial trust. Restricted to ASSESSOR.
     * @param orgId The candidate.
     * @param legal Legal-contract enforceability in the candidate's jurisdiction.
     * @param capability Expertise and experience.
     * @return initialTrust The initial trust.
     */
    function activate(
        uint256 orgId,
        ITrustLedger.Level legal,
        ITrustLedger.Level capability
    ) external returns (uint256 initialTrust);

    /// @notice The assessor refuses a Pending candidate. Restricted to ASSESSOR.
    /// @param orgId The candidate.
    /// @param reasonHash Hash of the off-chain reasons.
    function reject(uint256 orgId, bytes32 reasonHash) external;

    /// @notice Expels an Active organization and clears its trust. Restricted to PENALTY.
    /// @param orgId The organization.
    /// @param reasonHash Hash of the decision (e.g. the penalty case).
    function expel(uint256 orgId, bytes32 reasonHash) external;

    // ------------------------------------------------------------------ member accounts and records

    /// @notice The organization's admin binds an account to it.
    /// @param orgId The organization (Pending or Active).
    /// @param account An account bound to no organization.
    function addMember(uint256 orgId, address account) external;

    /**
     * @notice The organization's admin releases one of its accounts. The admin itself can leave only a Rejected
     * organization, as its last member account (to ask again, or to act for another one); the organization then
     * has no admin.
     * @param orgId The organization (not Expelled: an expelled organization's accounts stay bound for good).
     * @param account A member account of the organization.
     */
    function removeMember(uint256 orgId, address account) external;

    /// @notice The organization's admin hands the admin role to another of its member accounts.
    /// @param orgId The organization (Pending or Active).
    /// @param newAdmin A member account of the organization.
    function transferAdmin(uint256 orgId, address newAdmin) external;

    /// @notice The organization's admin adds (if none) or edits its profile record.
    /// @param orgId The organization (Pending or Active).
    /// @param profileHash Hash of the document, non-zero.
    /// @param profileURI Where it is, non-empty.
    function setProfile(uint256 orgId, bytes32 profileHash, string calldata profileURI) external;

    /// @notice The organization's admin deletes its profile record (the chain keeps only past hashes).
    /// @param orgId The organization (Pending or Active).
    function deleteProfile(uint256 orgId) external;

    // ------------------------------------------------------------------ governance

    /// @notice Adds or changes a country-table row. Restricted to ADMIN.
    /// @param code ISO 3166-1 alpha-2 code.
    /// @param country Its scores and flags.
    function setCountry(bytes2 code, Country calldata country) external;

    /// @notice Replaces the entry criteria. Restricted to ADMIN.
    /// @param criteria The new criteria.
    function setEntryCriteria(EntryCriteria calldata criteria) external;

    // ------------------------------------------------------------------ views

    /// @notice An organization; reverts for an unknown id.
    function organization(uint256 orgId) external view returns (Organization memory);

    /// @notice An organization's status (`None` for an unknown id).
    function statusOf(uint256 orgId) external view returns (Status);

    /// @notice The organization an account acts for (0: none).
    function organizationOf(address account) external view returns (uint256);

    /// @notice The organization registered under an identity hash (0: none).
    function organizationByIdentity(bytes32 identityHash) external view returns (uint256);

    /// @notice Whether the account acts for an Active organization.
    function isActiveMember(address account) external view returns (bool);

    /// @notice The Active organization the account acts for; reverts with {EntityRegistryNotActiveMember}.
    function activeOrganizationOf(address account) external view returns (uint256);

    /// @notice A recommendation of `candidateId` by `recommenderId` (all zero: none).
    function recommendation(uint256 candidateId, uint256 recommenderId) external view returns (Recommendation memory);

    /// @notice The organizations that recommended a candidate, in order (at most `maxRecommendations`).
    function recommendersOf(uint256 candidateId) external view returns (uint256[] memory);

    /// @notice A candidate's pre-trust from its recommendations under the ledger's current parameters. For an
    /// activated organization, `organization(orgId).preTrust` is the value fixed at activation.
    function preTrustOf(uint256 orgId) external view returns (uint256);

    /// @notice A country-table row.
    function country(bytes2 code) external view returns (Country memory);

    /// @notice Indirect trust of a listed country: mean of data privacy, copyright and (1 - cybercrime).
    function indirectTrustOf(bytes2 code) external view returns (uint256);

    /// @notice The entry criteria.
    function entryCriteria() external view returns (EntryCriteria memory);

    /// @notice The number of organizations ever registered (ids run from 1 to this).
    function organizationCount() external view returns (uint256);

    /// @notice The trust ledger.
    function ledger() external view returns (ITrustLedger);

    /// @notice The implementation's version.
    function version() external pure returns (string memory);
}
