// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {BodyStatus} from "./CertificateTypes.sol";

/**
 * @title CertifyingBodyRegistry
 * @notice The association's governance (标准第7章 认定主体): which certifying bodies are accredited, for which levels,
 * until when, with which signing keys; and which scoring rulebooks (评价方案) are published.
 *
 * Roles:
 * - `DEFAULT_ADMIN_ROLE` is the association (协会). In production it belongs to a multisig or a timelock.
 * - `SUPERVISOR_ROLE` is supervision (监督管理): suspends bodies and certificates, voids a body's certificates.
 * - Each body has an admin address, which manages the body's signing keys. Certificates belong to the body id,
 *   never to a key, so rotating keys never loses the power to suspend or revoke what the body issued.
 *
 * @dev Abstract: the certificate contract inherits it, so that issuance reads a body's record from its own storage
 * instead of paying for an external call on every certificate.
 */
abstract contract CertifyingBodyRegistry is AccessControl {
    using EnumerableSet for EnumerableSet.AddressSet;

    bytes32 public constant SUPERVISOR_ROLE = keccak256("SUPERVISOR_ROLE");

    /// @notice A body's admin and its terms of accreditation: one storage slot.
    struct Body {
        address admin;
        uint40 accreditedUntil;
        uint24 noticePeriod; // seconds of public notice (公示) before a new certificate becomes valid
        uint8 scope; // bit (level - 1) set: the body may certify that level
        BodyStatus status;
        uint16 voucherNonce; // vouchers signed for another nonce are void: lets a body cancel them all at once
    }

    /**
     * @notice A signing key, with a copy of its body's terms. Issuance reads this one slot instead of two: every
     * change of a body's terms goes through `_setBody`, which refreshes the copies (a body has a handful of keys).
     */
    struct SigningKey {
        uint16 bodyId;
        uint40 accreditedUntil;
        uint24 noticePeriod;
        uint8 scope;
        BodyStatus status;
        uint16 voucherNonce;
    }

    /// @notice The rest of a body's record, read by verifiers and never by issuance.
    struct BodyProfile {
        bytes32 metadataHash; // hash of the off-chain metadata document (name, legal code, address)
        uint40 voidedBefore; // certificates issued before this time are void (0: none)
        string metadataURI;
    }

    /// @notice What the association fills in to accredit a body.
    struct Accreditation {
        address admin;
        uint8 scope;
        uint40 accreditedUntil;
        uint24 noticePeriod;
        string metadataURI;
        bytes32 metadataHash;
    }

    enum RulebookStatus {
        None,
        Active,
        Deprecated
    }

    struct Rulebook {
        RulebookStatus status; // alone in its slot: issuance reads only this
        bytes32 contentHash; // keccak-256 of the rulebook's RFC 8785 canonical JSON
        string uri;
    }

    uint16 private _bodyCount;
    uint16 private _rulebookCount;
    mapping(uint16 bodyId => Body) private _bodies;
    mapping(uint16 bodyId => BodyProfile) private _profiles;
    mapping(uint16 bodyId => EnumerableSet.AddressSet) private _bodyKeys;
    mapping(address key => SigningKey) private _signingKeys;
    mapping(uint16 rulebookId => Rulebook) private _rulebooks;
    mapping(bytes32 contentHash => uint16 rulebookId) private _rulebookIdOfHash;

    event BodyAccredited(
        uint16 indexed bodyId,
        address indexed admin,
        uint8 scope,
        uint40 accreditedUntil,
        uint24 noticePeriod,
        string metadataURI,
        bytes32 metadataHash
    );
    event BodyTermsUpdated(uint16 indexed bodyId, uint8 scope, uint40 accreditedUntil, uint24 noticePeriod);
    event BodyMetadataUpdated(uint16 indexed bodyId, string metadataURI, bytes32 metadataHash);
    event BodyAdminChanged(uint16 indexed bodyId, address indexed previousAdmin, address indexed newAdmin);
    event BodySuspended(uint16 indexed bodyId, address indexed by, bytes32 evidenceHash);
    event BodyReinstated(uint16 indexed bodyId, address indexed by);
    event BodyAccreditationRevoked(uint16 indexed bodyId, address indexed by, bytes32 evidenceHash);
    event SigningKeyAdded(uint16 indexed bodyId, address indexed key);
    event SigningKeyRemoved(uint16 indexed bodyId, address indexed key);
    event VoucherNonceIncreased(uint16 indexed bodyId, uint16 nonce);
    event BodyCertificatesVoided(uint16 indexed bodyId, uint40 voidedBefore, bytes32 evidenceHash);
    event RulebookRegistered(uint16 indexed rulebookId, bytes32 indexed contentHash, string uri);
    event RulebookDeprecated(uint16 indexed rulebookId);

    error InvalidAddress();
    error InvalidScope(uint8 scope);
    error InvalidAccreditationTerm(uint40 accreditedUntil);
    error BodyNotFound(uint16 bodyId);
    error BodyNotActive(uint16 bodyId, BodyStatus status);
    error BodyNotSuspended(uint16 bodyId, BodyStatus status);
    error BodyAccreditationExpired(uint16 bodyId, uint40 accreditedUntil);
    error BodyAccreditationIsRevoked(uint16 bodyId);
    error NotBodyAdmin(uint16 bodyId, address account);
    error SigningKeyInUse(address key, uint16 bodyId);
    error NotSigningKeyOfBody(address key, uint16 bodyId);
    error VoidDateInFuture(uint40 voidedBefore);
    error InvalidRulebookHash();
    error RulebookAlreadyRegistered(bytes32 contentHash, uint16 rulebookId);
    error RulebookNotFound(uint16 rulebookId);
    error RulebookIsDeprecated(uint16 rulebookId);
    error RegistryFull();
    error UnauthorizedAccount(address account);

    /// @param association the association's admin address (a multisig or timelock in production)
    constructor(address association) {
        if (association == address(0)) revert InvalidAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, association);
    }

    // ---------------------------------------------------------------- bodies

    /**
     * @notice Accredits a certifying body and registers its first signing keys.
     * @dev Body ids are assigned in sequence from 1, so a body id of 0 always means "no body".
     * @param accreditation the body's admin, scope, term, notice period and metadata
     * @param signingKeys the addresses allowed to sign issuance for the body (EOAs or ERC-1271 wallets)
     * @return bodyId the new body's id
     */
    function accreditBody(Accreditation calldata accreditation, address[] calldata signingKeys)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        returns (uint16 bodyId)
    {
        if (accreditation.admin == address(0)) revert InvalidAddress();
        _checkTerms(accreditation.scope, accreditation.accreditedUntil);
        if (_bodyCount == type(uint16).max) revert RegistryFull();
        bodyId = ++_bodyCount;
        _setBody(bodyId, Body({
            admin: accreditation.admin,
            accreditedUntil: accreditation.accreditedUntil,
            noticePeriod: accreditation.noticePeriod,
            scope: accreditation.scope,
            status: BodyStatus.Active,
            voucherNonce: 0
        }));
        BodyProfile storage profile = _profiles[bodyId];
        profile.metadataHash = accreditation.metadataHash;
        profile.metadataURI = accreditation.metadataURI;
        emit BodyAccredited(
            bodyId,
            accreditation.admin,
            accreditation.scope,
            accreditation.accreditedUntil,
            accreditation.noticePeriod,
            accreditation.metadataURI,
            accreditation.metadataHash
        );
        for (uint256 i; i < signingKeys.length; ++i) {
            _addSigningKey(bodyId, signingKeys[i]);
        }
    }

    /**
     * @notice Changes what a body may certify, until when, and how long its results stay in public notice.
     * @dev Certificates already issued keep the notice period they were issued with.
     */
    function updateBodyTerms(uint16 bodyId, uint8 scope, uint40 accreditedUntil, uint24 noticePeriod)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        Body memory body = _existingBody(bodyId);
        _checkTerms(scope, accreditedUntil);
        body.scope = scope;
        body.accreditedUntil = accreditedUntil;
        body.noticePeriod = noticePeriod;
        _setBody(bodyId, body);
        emit BodyTermsUpdated(bodyId, scope, accreditedUntil, noticePeriod);
    }

    /// @notice Points a body's record at a new metadata document. The association or the body's admin.
    function updateBodyMetadata(uint16 bodyId, string calldata metadataURI, bytes32 metadataHash) external {
        _requireBodyAdminOrAssociation(bodyId);
        BodyProfile storage profile = _profiles[bodyId];
        profile.metadataURI = metadataURI;
        profile.metadataHash = metadataHash;
        emit BodyMetadataUpdated(bodyId, metadataURI, metadataHash);
    }

    /// @notice Hands a body's administration to a new address. The association or the body's admin.
    function setBodyAdmin(uint16 bodyId, address newAdmin) external {
        Body memory body = _requireBodyAdminOrAssociation(bodyId);
        if (newAdmin == address(0)) revert InvalidAddress();
        address previous = body.admin;
        _bodies[bodyId].admin = newAdmin; // not copied to the keys: issuance never needs it
        emit BodyAdminChanged(bodyId, previous, newAdmin);
    }

    /**
     * @notice Suspends a body's accreditation: it can no longer issue, renew or re-issue, but its keys can still
     * suspend and revoke what it issued. Its certificates stay valid: use `voidCertificatesIssuedBefore` to void them.
     */
    function suspendBody(uint16 bodyId, bytes32 evidenceHash) external {
        _requireAssociationOrSupervisor();
        Body memory body = _existingBody(bodyId);
        if (body.status != BodyStatus.Active) revert BodyNotActive(bodyId, body.status);
        body.status = BodyStatus.Suspended;
        _setBody(bodyId, body);
        emit BodySuspended(bodyId, msg.sender, evidenceHash);
    }

    /// @notice Lifts a body's suspension.
    function reinstateBody(uint16 bodyId) external {
        _requireAssociationOrSupervisor();
        Body memory body = _existingBody(bodyId);
        if (body.status != BodyStatus.Suspended) revert BodyNotSuspended(bodyId, body.status);
        body.status = BodyStatus.Active;
        _setBody(bodyId, body);
        emit BodyReinstated(bodyId, msg.sender);
    }

    /// @notice Withdraws a body's accreditation for good. Terminal: the association only.
    function revokeAccreditation(uint16 bodyId, bytes32 evidenceHash) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Body memory body = _existingBody(bodyId);
        if (body.status == BodyStatus.Revoked) revert BodyAccreditationIsRevoked(bodyId);
        body.status = BodyStatus.Revoked;
        _setBody(bodyId, body);
        emit BodyAccreditationRevoked(bodyId, msg.sender, evidenceHash);
    }

    /// @notice Adds a signing key to a body. The body's admin, or the association.
    /// @dev A key serves one body at a time, so a signature always names exactly one body.
    function addSigningKey(uint16 bodyId, address key) external {
        _requireBodyAdminOrAssociation(bodyId);
        _addSigningKey(bodyId, key);
    }

    /// @notice Removes a signing key: from now on it can do nothing. The body's admin, or the association.
    function removeSigningKey(uint16 bodyId, address key) external {
        _requireBodyAdminOrAssociation(bodyId);
        if (_signingKeys[key].bodyId != bodyId) revert NotSigningKeyOfBody(key, bodyId);
        delete _signingKeys[key];
        _bodyKeys[bodyId].remove(key);
        emit SigningKeyRemoved(bodyId, key);
    }

    /// @notice Cancels every voucher the body has signed and not yet seen submitted. The body's admin.
    function increaseVoucherNonce(uint16 bodyId) external {
        Body memory body = _requireBodyAdminOrAssociation(bodyId);
        uint16 nonce = ++body.voucherNonce;
        _setBody(bodyId, body);
        emit VoucherNonceIncreased(bodyId, nonce);
    }

    /**
     * @notice Voids, in one write, every certificate the body issued before `voidedBefore`: for a body found to
     * have certified fraudulently. Setting an earlier date (or 0) restores certificates voided by mistake.
     * @param voidedBefore a time not in the future
     */
    function voidCertificatesIssuedBefore(uint16 bodyId, uint40 voidedBefore, bytes32 evidenceHash)
        external
        onlyRole(SUPERVISOR_ROLE)
    {
        _existingBody(bodyId);
        if (voidedBefore > block.timestamp) revert VoidDateInFuture(voidedBefore);
        _profiles[bodyId].voidedBefore = voidedBefore;
        emit BodyCertificatesVoided(bodyId, voidedBefore, evidenceHash);
    }

    // ---------------------------------------------------------------- rulebooks

    /**
     * @notice Publishes a scoring rulebook (评价方案) by the hash of its canonical JSON.
     * @return rulebookId the id certificates use to name it
     */
    function registerRulebook(bytes32 contentHash, string calldata uri)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        returns (uint16 rulebookId)
    {
        if (contentHash == bytes32(0)) revert InvalidRulebookHash();
        uint16 existing = _rulebookIdOfHash[contentHash];
        if (existing != 0) revert RulebookAlreadyRegistered(contentHash, existing);
        if (_rulebookCount == type(uint16).max) revert RegistryFull();
        rulebookId = ++_rulebookCount;
        _rulebookIdOfHash[contentHash] = rulebookId;
        _rulebooks[rulebookId] = Rulebook({status: RulebookStatus.Active, contentHash: contentHash, uri: uri});
        emit RulebookRegistered(rulebookId, contentHash, uri);
    }

    /// @notice Stops a rulebook from being used for new certificates. Certificates scored with it stay as they are.
    function deprecateRulebook(uint16 rulebookId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireActiveRulebook(rulebookId);
        _rulebooks[rulebookId].status = RulebookStatus.Deprecated;
        emit RulebookDeprecated(rulebookId);
    }

    // ---------------------------------------------------------------- views

    /// @notice A body's full record and its current signing keys.
    function getBody(uint16 bodyId)
        external
        view
        returns (Body memory body, BodyProfile memory profile, address[] memory signingKeys)
    {
        body = _existingBody(bodyId);
        profile = _profiles[bodyId];
        signingKeys = _bodyKeys[bodyId].values();
    }

    /// @notice Whether a body may issue today: active and within its accreditation term.
    function isAccredited(uint16 bodyId) public view returns (bool) {
        Body storage body = _bodies[bodyId];
        return body.status == BodyStatus.Active && block.timestamp < body.accreditedUntil;
    }

    /// @notice The body a signing key acts for (0: none).
    function bodyOfSigningKey(address key) external view returns (uint16) {
        return _signingKeys[key].bodyId;
    }

    /// @notice How many bodies and rulebooks have been registered (ids run from 1 to these counts).
    function registryCounts() external view returns (uint16 bodies, uint16 rulebooks) {
        return (_bodyCount, _rulebookCount);
    }

    /// @notice A rulebook's record.
    function getRulebook(uint16 rulebookId) external view returns (Rulebook memory) {
        if (_rulebooks[rulebookId].status == RulebookStatus.None) revert RulebookNotFound(rulebookId);
        return _rulebooks[rulebookId];
    }

    /// @notice The id of the rulebook with this content hash (0: not registered).
    function rulebookIdOf(bytes32 contentHash) external view returns (uint16) {
        return _rulebookIdOfHash[contentHash];
    }

    // ---------------------------------------------------------------- internal

    /**
     * @dev A signing key that may issue now: its body is active and within its term. Returns a memory copy so that
     * a batch reads the slot once.
     */
    function _issuingKey(address key) internal view returns (SigningKey memory signingKey) {
        signingKey = _signingKeys[key];
        if (signingKey.bodyId == 0) revert UnauthorizedAccount(key);
        if (signingKey.status != BodyStatus.Active) revert BodyNotActive(signingKey.bodyId, signingKey.status);
        if (block.timestamp >= signingKey.accreditedUntil) {
            revert BodyAccreditationExpired(signingKey.bodyId, signingKey.accreditedUntil);
        }
    }

    /// @dev The body a key acts for, and whether that body's accreditation is revoked: one slot read.
    function _keyBody(address key) internal view returns (uint16 bodyId, bool bodyRevoked) {
        SigningKey storage signingKey = _signingKeys[key];
        return (signingKey.bodyId, signingKey.status == BodyStatus.Revoked);
    }

    function _isSupervisor(address account) internal view returns (bool) {
        return hasRole(SUPERVISOR_ROLE, account);
    }

    function _voidedBefore(uint16 bodyId) internal view returns (uint40) {
        return _profiles[bodyId].voidedBefore;
    }

    function _rulebookHash(uint16 rulebookId) internal view returns (bytes32) {
        return _rulebooks[rulebookId].contentHash;
    }

    function _requireActiveRulebook(uint16 rulebookId) internal view {
        RulebookStatus status = _rulebooks[rulebookId].status;
        if (status == RulebookStatus.Active) return;
        if (status == RulebookStatus.None) revert RulebookNotFound(rulebookId);
        revert RulebookIsDeprecated(rulebookId);
    }

    function _existingBody(uint16 bodyId) private view returns (Body memory body) {
        body = _bodies[bodyId];
        if (body.status == BodyStatus.None) revert BodyNotFound(bodyId);
    }

    function _requireBodyAdminOrAssociation(uint16 bodyId) private view returns (Body memory body) {
        body = _existingBody(bodyId);
        if (msg.sender != body.admin && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) {
            revert NotBodyAdmin(bodyId, msg.sender);
        }
    }

    function _requireAssociationOrSupervisor() private view {
        if (!hasRole(DEFAULT_ADMIN_ROLE, msg.sender) && !hasRole(SUPERVISOR_ROLE, msg.sender)) {
            revert UnauthorizedAccount(msg.sender);
        }
    }

    function _checkTerms(uint8 scope, uint40 accreditedUntil) private view {
        if (scope == 0) revert InvalidScope(scope);
        if (accreditedUntil <= block.timestamp) revert InvalidAccreditationTerm(accreditedUntil);
    }

    function _addSigningKey(uint16 bodyId, address key) private {
        if (key == address(0)) revert InvalidAddress();
        uint16 current = _signingKeys[key].bodyId;
        if (current != 0) revert SigningKeyInUse(key, current);
        _signingKeys[key] = _signingKeyOf(bodyId, _bodies[bodyId]);
        _bodyKeys[bodyId].add(key);
        emit SigningKeyAdded(bodyId, key);
    }

    /// @dev The one place a body's terms change: keeps every signing key's copy in step.
    function _setBody(uint16 bodyId, Body memory body) private {
        _bodies[bodyId] = body;
        SigningKey memory signingKey = _signingKeyOf(bodyId, body);
        EnumerableSet.AddressSet storage keys = _bodyKeys[bodyId];
        uint256 count = keys.length();
        for (uint256 i; i < count; ++i) {
            _signingKeys[keys.at(i)] = signingKey;
        }
    }

    function _signingKeyOf(uint16 bodyId, Body memory body) private pure returns (SigningKey memory) {
        return SigningKey({
            bodyId: bodyId,
            accreditedUntil: body.accreditedUntil,
            noticePeriod: body.noticePeriod,
            scope: body.scope,
            status: body.status,
            voucherNonce: body.voucherNonce
        });
    }
}
