// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CredenceAccessManager} from "../../../contracts/access/CredenceAccessManager.sol";
import {CredenceProxy} from "../../../contracts/access/CredenceProxy.sol";
import {Roles} from "../../../contracts/access/Roles.sol";
import {IEntityRegistry} from "../../../contracts/interfaces/IEntityRegistry.sol";
import {IPenaltyCases} from "../../../contracts/interfaces/IPenaltyCases.sol";
import {ITrustLedger} from "../../../contracts/interfaces/ITrustLedger.sol";
import {PenaltyCases} from "../../../contracts/penalty/PenaltyCases.sol";
import {EntityRegistry} from "../../../contracts/registry/EntityRegistry.sol";
import {TrustLedger} from "../../../contracts/trust/TrustLedger.sol";

/**
 * @title SuiteDeployer
 * @notice Deploys and wires the Credence suite inside a Solidity test, the way the Ignition module
 * `deploy/modules/Credence.ts` does: one CredenceAccessManager, the TrustLedger and EntityRegistry
 * implementations behind two CredenceProxy instances with encoded `initialize` calls, `ledger.setRegistry`, role
 * labels, the non-ADMIN rows of `src/roles.ts` as target-function roles, and the ASSESSOR grant.
 *
 * Two entry points:
 * - {deployWithPenalty} deploys the whole suite as the module does: also PenaltyCases (built with the registry and
 *   ledger proxies) behind a third CredenceProxy (`initialize(manager, registry, ledger, penaltyParameters)`),
 *   `ledger.setPenaltyHook(penalty)`, the RATIFIER label, `PenaltyCases.ratify` -> RATIFIER, and the PENALTY
 *   grant to the PenaltyCases proxy and the RATIFIER grant to the ratifier.
 * - {deploy} stops before PenaltyCases (`suite.penalty` is zero and so is `ledger.penaltyHook()`: low-integrity
 *   ratings only emit their event, and no hook can reject a rating). Tests of the ledger and the registry alone
 *   use it, and hold PENALTY themselves to expel.
 * @dev Internal functions: they run in the calling test contract, which therefore deploys the manager with
 * itself as initial admin and becomes governance (ADMIN). The defaults below mirror `src/defaults.ts`; keep
 * them in step with it.
 */
library SuiteDeployer {
    struct Suite {
        CredenceAccessManager manager;
        TrustLedger ledger;
        EntityRegistry registry;
        TrustLedger ledgerImplementation;
        EntityRegistry registryImplementation;
        // Zero unless deployed by deployWithPenalty.
        PenaltyCases penalty;
        PenaltyCases penaltyImplementation;
    }

    /// @notice Deploys the suite with the default parameters of `src/defaults.ts` (a private community).
    /// @param assessor The account granted ASSESSOR.
    function deploy(address assessor) internal returns (Suite memory suite) {
        return
            deploy(
                assessor,
                ITrustLedger.CommunityType.Private,
                defaultTrustParameters(),
                defaultEntryCriteria(),
                defaultCountries()
            );
    }

    /// @notice Deploys the suite with explicit parameters; the calling contract becomes governance.
    function deploy(
        address assessor,
        ITrustLedger.CommunityType communityType,
        ITrustLedger.TrustParameters memory trustParameters,
        IEntityRegistry.EntryCriteria memory entryCriteria,
        IEntityRegistry.CountryEntry[] memory countries
    ) internal returns (Suite memory suite) {
        CredenceAccessManager manager = new CredenceAccessManager(address(this));
        suite.manager = manager;

        suite.ledgerImplementation = new TrustLedger();
        suite.ledger = TrustLedger(
            address(
                new CredenceProxy(
                    address(suite.ledgerImplementation),
                    abi.encodeCall(TrustLedger.initialize, (address(manager), communityType, trustParameters))
                )
            )
        );

        suite.registryImplementation = new EntityRegistry();
        suite.registry = EntityRegistry(
            address(
                new CredenceProxy(
                    address(suite.registryImplementation),
                    abi.encodeCall(
                        EntityRegistry.initialize,
                        (address(manager), ITrustLedger(address(suite.ledger)), entryCriteria, countries)
                    )
                )
            )
        );

        suite.ledger.setRegistry(address(suite.registry));

        manager.labelRole(Roles.ASSESSOR, "ASSESSOR");
        manager.labelRole(Roles.PENALTY, "PENALTY");

        // The non-ADMIN rows of src/roles.ts; unconfigured selectors stay with ADMIN (AccessManager's default).
        bytes4[] memory ledgerAssessor = new bytes4[](2);
        ledgerAssessor[0] = ITrustLedger.rate.selector;
        ledgerAssessor[1] = ITrustLedger.rateBatch.selector;
        manager.setTargetFunctionRole(address(suite.ledger), ledgerAssessor, Roles.ASSESSOR);

        bytes4[] memory registryAssessor = new bytes4[](3);
        registryAssessor[0] = IEntityRegistry.requestJoinFor.selector;
        registryAssessor[1] = IEntityRegistry.activate.selector;
        registryAssessor[2] = IEntityRegistry.reject.selector;
        manager.setTargetFunctionRole(address(suite.registry), registryAssessor, Roles.ASSESSOR);

        bytes4[] memory registryPenalty = new bytes4[](1);
        registryPenalty[0] = IEntityRegistry.expel.selector;
        manager.setTargetFunctionRole(address(suite.registry), registryPenalty, Roles.PENALTY);

        manager.grantRole(Roles.ASSESSOR, assessor, 0);
    }

    /**
     * @notice Deploys the whole suite, PenaltyCases included, with the defaults of `src/defaults.ts` (a private
     * community) and the given penalty parameters; the calling contract becomes governance.
     * @param assessor The account granted ASSESSOR.
     * @param ratifier The account granted RATIFIER.
     * @param penaltyParameters The PenaltyCases parameters (tests shorten the periods).
     */
    function deployWithPenalty(
        address assessor,
        address ratifier,
        IPenaltyCases.PenaltyParameters memory penaltyParameters
    ) internal returns (Suite memory suite) {
        return
            deployWithPenalty(
                assessor,
                ratifier,
                ITrustLedger.CommunityType.Private,
                defaultTrustParameters(),
                defaultEntryCriteria(),
                defaultCountries(),
                penaltyParameters
            );
    }

    /// @notice Deploys the whole suite, PenaltyCases included, with explicit parameters.
    function deployWithPenalty(
        address assessor,
        address ratifier,
        ITrustLedger.CommunityType communityType,
        ITrustLedger.TrustParameters memory trustParameters,
        IEntityRegistry.EntryCriteria memory entryCriteria,
        IEntityRegistry.CountryEntry[] memory countries,
        IPenaltyCases.PenaltyParameters memory penaltyParameters
    ) internal returns (Suite memory suite) {
        suite = deploy(assessor, communityType, trustParameters, entryCriteria, countries);
        _deployPenalty(suite, ratifier, penaltyParameters);
    }

    /// @dev The PenaltyCases part of deploy/modules/Credence.ts, on a suite {deploy} wired.
    function _deployPenalty(
        Suite memory suite,
        address ratifier,
        IPenaltyCases.PenaltyParameters memory penaltyParameters
    ) private {
        CredenceAccessManager manager = suite.manager;
        suite.penaltyImplementation = new PenaltyCases(
            IEntityRegistry(address(suite.registry)),
            ITrustLedger(address(suite.ledger))
        );
        suite.penalty = PenaltyCases(
            address(
                new CredenceProxy(
                    address(suite.penaltyImplementation),
                    abi.encodeCall(
                        PenaltyCases.initialize,
                        (
                            address(manager),
                            IEntityRegistry(address(suite.registry)),
                            ITrustLedger(address(suite.ledger)),
                            penaltyParameters
                        )
                    )
                )
            )
        );
        suite.ledger.setPenaltyHook(address(suite.penalty));

        manager.labelRole(Roles.RATIFIER, "RATIFIER");

        bytes4[] memory penaltyRatifier = new bytes4[](1);
        penaltyRatifier[0] = IPenaltyCases.ratify.selector;
        manager.setTargetFunctionRole(address(suite.penalty), penaltyRatifier, Roles.RATIFIER);

        manager.grantRole(Roles.PENALTY, address(suite.penalty), 0);
        manager.grantRole(Roles.RATIFIER, ratifier, 0);
    }

    // ------------------------------------------------------------------ defaults (src/defaults.ts)

    /// @notice `defaultTrustParameters` of src/defaults.ts.
    function defaultTrustParameters() internal pure returns (ITrustLedger.TrustParameters memory) {
        return
            ITrustLedger.TrustParameters({
                weightPreTrust: 0.35e18,
                weightLegal: 0.2e18,
                weightCapability: 0.25e18,
                weightIndirect: 0.2e18,
                weightQuality: 0.4e18,
                weightQuantity: 0.1e18,
                weightIntegrity: 0.25e18,
                weightIntent: 0.25e18,
                gainRate: 0.1e18,
                lossRate: 0.3e18,
                flagThreshold: 0.3e18,
                publicInitialCap: 0.1e18,
                baseline: 0.5e18,
                halfLife: 1_296_000,
                recommendationDamping: 2,
                privateInitialCap: 0.4e18,
                probationRatings: 4
            });
    }

    /// @notice `defaultPenaltyParameters` of src/defaults.ts.
    function defaultPenaltyParameters() internal pure returns (IPenaltyCases.PenaltyParameters memory) {
        return
            IPenaltyCases.PenaltyParameters({
                reportingThreshold: 0.4e18,
                bondShare: 0.05e18,
                quorumShare: 0.3e18,
                expelThreshold: 0.6e18,
                misuseThreshold: 0.2e18,
                liabilityShare: 0.1e18,
                votingDelay: 300,
                votingPeriod: 21_600,
                ratificationWindow: 43_200,
                misuseWindow: 1_296_000,
                barPeriod: 1_296_000,
                liabilityWindow: 7_776_000,
                maxMisuses: 2
            });
    }

    /// @notice `defaultEntryCriteria` of src/defaults.ts (admits founders without recommendations).
    function defaultEntryCriteria() internal pure returns (IEntityRegistry.EntryCriteria memory) {
        return
            IEntityRegistry.EntryCriteria({
                minPreTrust: 0,
                minRecommendations: 0,
                maxRecommendations: 16,
                minCapability: ITrustLedger.Level.Low,
                minLegal: ITrustLedger.Level.Low
            });
    }

    /// @notice `defaultCountries` of src/defaults.ts, all listed and none excluded.
    function defaultCountries() internal pure returns (IEntityRegistry.CountryEntry[] memory rows) {
        rows = new IEntityRegistry.CountryEntry[](10);
        rows[0] = _row("DE", 0.9e18, 0.85e18, 0.3e18);
        rows[1] = _row("FR", 0.9e18, 0.85e18, 0.3e18);
        rows[2] = _row("NL", 0.9e18, 0.8e18, 0.25e18);
        rows[3] = _row("CH", 0.85e18, 0.85e18, 0.2e18);
        rows[4] = _row("GB", 0.8e18, 0.85e18, 0.35e18);
        rows[5] = _row("US", 0.6e18, 0.9e18, 0.45e18);
        rows[6] = _row("JP", 0.75e18, 0.8e18, 0.25e18);
        rows[7] = _row("SG", 0.75e18, 0.75e18, 0.25e18);
        rows[8] = _row("BR", 0.65e18, 0.6e18, 0.55e18);
        rows[9] = _row("IN", 0.55e18, 0.6e18, 0.55e18);
    }

    function _row(
        bytes2 code,
        uint64 dataPrivacy,
        uint64 copyright,
        uint64 cybercrime
    ) private pure returns (IEntityRegistry.CountryEntry memory) {
        return
            IEntityRegistry.CountryEntry({
                code: code,
                country: IEntityRegistry.Country({
                    dataPrivacy: dataPrivacy,
                    copyright: copyright,
                    cybercrime: cybercrime,
                    listed: true,
                    excluded: false
                })
            });
    }
}
