// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {BodyStatus} from "./CertificateTypes.sol";
import {ChainClock} from "./ChainClock.sol";
import {IBodyRegistry} from "./interfaces/IBodyRegistry.sol";
import {BodyAdministration, Registry} from "./libraries/BodyAdministration.sol";

/**
 * @title CertifyingBodyRegistry
 * @notice The association's governance (标准第7章 认定主体): which certifying bodies are accredited, for which levels,
 * until when, with which signing keys; and which scoring rulebooks (评价方案) are published.
 *
 * Roles:
 * - `DEFAULT_ADMIN_ROLE` is the association (协会), handed over in two steps with a delay
 *   (`AccessControlDefaultAdminRules`). In production it belongs to a multisig or a timelock.
 * - `SUPERVISOR_ROLE` is supervision (监督管理): suspends bodies and certificates, voids a body's certificates.
 * - Each body has an admin address, which manages the body's signing keys. Certificates belong to the body id,
 *   never to a key, so rotating keys never loses the power to suspend or revoke what the body issued.
 * - A signing key joins a body only with its own signature, and never holds a role: the association's and the
 *   supervisor's acts can never be passed off as a body's.
 *
 * @dev Abstract: the certificate contract inherits it, so that issuance reads a body's record from its own storage
 * instead of paying for an external call on every certificate. Issuance reads two slots (the key's body, then the
 * body's terms): no copy of a body's terms lives with its keys, so the association's power over a body costs the
 * same whatever the number of its keys. The administrative writes run in the {BodyAdministration} library.
 */
abstract contract CertifyingBodyRegistry is IBodyRegistry, ChainClock, AccessControlDefaultAdminRules, EIP712 {
    bytes32 public constant SUPERVISOR_ROLE = keccak256("SUPERVISOR_ROLE");
    bytes32 public constant SIGNING_KEY_CONSENT_TYPEHASH = BodyAdministration.SIGNING_KEY_CONSENT_TYPEHASH;
    /// @notice Body ids fill the top byte of a certificate number: at most 255 bodies per deployment.
    uint16 public constant MAX_BODIES = BodyAdministration.MAX_BODIES;

    Registry internal _registry;

    /**
     * @param association the association's admin address (a multisig or timelock in production)
     * @param adminTransferDelay seconds a handover of the association's role waits before the new admin may accept
     * @param clockUnit 1 if the chain's `block.timestamp` counts seconds, 1000 if milliseconds
     */
    constructor(address association, uint48 adminTransferDelay, uint256 clockUnit)
        ChainClock(clockUnit)
        // OpenZeppelin's schedules read `block.timestamp`: its delays are in the chain's unit.
        AccessControlDefaultAdminRules(uint48(adminTransferDelay * clockUnit), association)
    {}

    // ---------------------------------------------------------------- bodies

    /**
     * @notice Accredits a certifying body and registers its first signing keys, each with its own consent.
     * The association only.
     * @dev Body ids are assigned in sequence from 1, so a body id of 0 always means "no body".
     * @param accreditation the body's admin, scope, term (unix seconds), notice period (seconds) and metadata
     * @param signingKeys the keys allowed to sign issuance for the body (EOAs or ERC-1271 wallets), with consents
     * @return bodyId the new body's id
     */
    function accreditBody(Accreditation calldata accreditation, SigningKeyGrant[] calldata signingKeys)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        returns (uint16 bodyId)
    {
        return BodyAdministration.accreditBody(_registry, accreditation, signingKeys, _now(), _domainSeparatorV4());
    }

    /**
     * @notice Changes what a body may certify, until when, and how long its results stay in public notice.
     * The association only.
     * @dev Certificates already issued keep the notice period they were issued with.
     */
    function updateBodyTerms(uint16 bodyId, uint8 scope, uint40 accreditedUntil, uint24 noticePeriod)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        BodyAdministration.updateBodyTerms(_registry, bodyId, scope, accreditedUntil, noticePeriod, _now());
    }

    /// @notice Points a body's record at a new metadata document. The association or the body's admin.
    function updateBodyMetadata(uint16 bodyId, string calldata metadataURI, bytes32 metadataHash) external {
        BodyAdministration.updateBodyMetadata(_registry, bodyId, metadataURI, metadataHash, _isAssociation());
    }

    /// @notice Hands a body's administration to a new address. The association or the body's admin.
    function setBodyAdmin(uint16 bodyId, address newAdmin) external {
        BodyAdministration.setBodyAdmin(_registry, bodyId, newAdmin, _isAssociation());
    }

    /**
     * @notice Suspends a body's accreditation: it can no longer issue, renew, re-issue, reinstate or dismiss an
     * objection, but its keys can still suspend and revoke what it issued. Its certificates stay valid: use
     * `voidCertificatesIssuedBefore` to void them. The association or the supervisor.
     */
    function suspendBody(uint16 bodyId, bytes32 evidenceHash) external {
        _requireAssociationOrSupervisor();
        BodyAdministration.setBodyStatus(_registry, bodyId, BodyStatus.Suspended, evidenceHash);
    }

    /// @notice Lifts a body's suspension. The association or the supervisor.
    function reinstateBody(uint16 bodyId) external {
        _requireAssociationOrSupervisor();
        BodyAdministration.setBodyStatus(_registry, bodyId, BodyStatus.Active, bytes32(0));
    }

    /// @notice Withdraws a body's accreditation for good. Terminal: the association only.
    function revokeAccreditation(uint16 bodyId, bytes32 evidenceHash) external onlyRole(DEFAULT_ADMIN_ROLE) {
        BodyAdministration.setBodyStatus(_registry, bodyId, BodyStatus.Revoked, evidenceHash);
    }

    /**
     * @notice Adds a signing key to a body, with the key's own consent (`signingKeyConsentDigest`, signed by the
     * key). The body's admin, or the association.
     * @dev A key serves one body at a time, so a signature always names exactly one body; a consent is used once.
     */
    function addSigningKey(uint16 bodyId, SigningKeyGrant calldata grant) external {
        BodyAdministration.addSigningKey(_registry, bodyId, grant, _isAssociation(), _now(), _domainSeparatorV4());
    }

    /// @notice Removes a signing key: from now on it can do nothing. The body's admin, or the association.
    function removeSigningKey(uint16 bodyId, address key) external {
        BodyAdministration.removeSigningKey(_registry, bodyId, key, _isAssociation());
    }

    /**
     * @notice Cancels every voucher the body has signed and not yet seen submitted. The body's admin, or the
     * association.
     * @dev The new nonce is drawn from the previous block's hash, which no one knows before that block exists:
     * no voucher can have been signed for it in advance, so cancelling never brings one to life.
     */
    function cancelVouchers(uint16 bodyId) external {
        BodyAdministration.cancelVouchers(_registry, bodyId, _isAssociation());
    }

    /**
     * @notice Voids, in one write, every certificate whose current result the body recorded before
     * `voidedBefore`: for a body found to have certified fraudulently. Setting an earlier date (or 0) restores
     * certificates voided by mistake. The supervisor only.
     * @param voidedBefore unix seconds, not in the future
     */
    function voidCertificatesIssuedBefore(uint16 bodyId, uint40 voidedBefore, bytes32 evidenceHash)
        external
        onlyRole(SUPERVISOR_ROLE)
    {
        BodyAdministration.voidCertificates(_registry, bodyId, voidedBefore, evidenceHash, _now());
    }

    // ---------------------------------------------------------------- rulebooks

    /**
     * @notice Publishes a scoring rulebook (评价方案) by the hash of its canonical JSON, with its annual review
     * schedule (the rulebook's own `validity`, in seconds: the contract cannot read the JSON). The association only.
     * @param reviewInterval seconds between annual reviews, counted from the end of a result's notice (0: none)
     * @param reviewGrace seconds after a review falls due before its certificate counts as `ReviewOverdue`
     * @return rulebookId the id certificates use to name it
     */
    function registerRulebook(bytes32 contentHash, string calldata uri, uint32 reviewInterval, uint32 reviewGrace)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        returns (uint16 rulebookId)
    {
        return BodyAdministration.registerRulebook(_registry, contentHash, uri, reviewInterval, reviewGrace);
    }

    /// @notice Stops a rulebook from being used for new certificates. Certificates scored with it stay as they are.
    /// The association only.
    function deprecateRulebook(uint16 rulebookId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        BodyAdministration.deprecateRulebook(_registry, rulebookId);
    }

    // ---------------------------------------------------------------- views

    /// @notice A body's record and its current signing keys (its metadata document's URI: `bodyMetadataURI`).
    function getBody(uint16 bodyId)
        external
        view
        returns (Body memory body, BodyProfile memory profile, address[] memory signingKeys)
    {
        return BodyAdministration.getBody(_registry, bodyId);
    }

    /// @notice Whether a body may issue today: active and within its accreditation term.
    function isAccredited(uint16 bodyId) public view returns (bool) {
        Body storage body = _registry.bodies[bodyId];
        return body.status == BodyStatus.Active && _now() < body.accreditedUntil;
    }

    /// @notice The body a signing key acts for (0: none).
    function bodyOfSigningKey(address key) external view returns (uint16) {
        return _registry.bodyOfKey[key];
    }

    /// @notice The EIP-712 digest a key signs to consent to serve `bodyId` until `deadline` (unix seconds).
    function signingKeyConsentDigest(uint16 bodyId, address key, uint40 deadline) external view returns (bytes32) {
        return BodyAdministration.signingKeyConsentDigest(_domainSeparatorV4(), bodyId, key, deadline);
    }

    /// @notice How many bodies and rulebooks have been registered (ids run from 1 to these counts).
    function registryCounts() external view returns (uint16 bodies, uint16 rulebooks) {
        return (_registry.bodyCount, _registry.rulebookCount);
    }

    /// @notice A rulebook's record (its URI: `rulebookURI`).
    function getRulebook(uint16 rulebookId) external view returns (Rulebook memory) {
        Rulebook memory rulebook = _registry.rulebooks[rulebookId];
        if (rulebook.status == RulebookStatus.None) revert RulebookNotFound(rulebookId);
        return rulebook;
    }

    /// @notice Where a rulebook's canonical JSON is published ("" for an unknown id).
    function rulebookURI(uint16 rulebookId) external view returns (string memory) {
        return _registry.rulebookURIs[rulebookId];
    }

    /// @notice Where a body's metadata document is published ("" for an unknown id).
    function bodyMetadataURI(uint16 bodyId) external view returns (string memory) {
        return _registry.metadataURIs[bodyId];
    }

    /// @notice The id of the rulebook with this content hash (0: not registered).
    function rulebookIdOf(bytes32 contentHash) external view returns (uint16) {
        return _registry.rulebookIdOfHash[contentHash];
    }

    /// @notice OpenZeppelin's wait before a longer admin delay applies, in the chain's clock unit (5 days).
    function defaultAdminDelayIncreaseWait() public view override returns (uint48) {
        return uint48(5 days * CLOCK_UNIT);
    }

    // ---------------------------------------------------------------- internal

    /**
     * @dev The body of a signing key that may issue now (its body active and within its term), and the body's
     * terms: a memory copy, so that a batch reads the two slots once.
     */
    function _issuingKey(address key) internal view returns (uint16 bodyId, Body memory body) {
        return BodyAdministration.issuingKey(_registry, key, _now());
    }

    function _isSupervisor(address account) internal view returns (bool) {
        return hasRole(SUPERVISOR_ROLE, account);
    }

    function _rulebookHash(uint16 rulebookId) internal view returns (bytes32) {
        return _registry.rulebooks[rulebookId].contentHash;
    }

    function _requireActiveRulebook(uint16 rulebookId) internal view {
        BodyAdministration.requireActiveRulebook(_registry, rulebookId);
    }

    /// @dev No role for a signing key: a supervisor or association that were also a body's key could act as both.
    function _grantRole(bytes32 role, address account) internal override returns (bool) {
        if (_registry.bodyOfKey[account] != 0) revert SigningKeyCannotHoldRole(account, role);
        return super._grantRole(role, account);
    }

    function _isAssociation() private view returns (bool) {
        return hasRole(DEFAULT_ADMIN_ROLE, msg.sender);
    }

    function _requireAssociationOrSupervisor() private view {
        if (!_isAssociation() && !hasRole(SUPERVISOR_ROLE, msg.sender)) revert UnauthorizedAccount(msg.sender);
    }
}
