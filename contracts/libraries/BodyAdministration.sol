// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {BodyStatus} from "../CertificateTypes.sol";
import {IBodyRegistry} from "../interfaces/IBodyRegistry.sol";
import {SignatureRules} from "./SignatureRules.sol";

/// @notice The association's governance state: bodies, their keys and the published rulebooks.
struct Registry {
    uint16 bodyCount;
    uint16 rulebookCount;
    mapping(uint16 bodyId => IBodyRegistry.Body) bodies;
    mapping(uint16 bodyId => IBodyRegistry.BodyProfile) profiles;
    mapping(uint16 bodyId => EnumerableSet.AddressSet) bodyKeys;
    mapping(address key => uint16 bodyId) bodyOfKey;
    mapping(bytes32 digest => bool) usedKeyConsents;
    mapping(uint16 bodyId => string) metadataURIs;
    mapping(uint16 rulebookId => IBodyRegistry.Rulebook) rulebooks;
    mapping(uint16 rulebookId => string) rulebookURIs;
    mapping(bytes32 contentHash => uint16 rulebookId) rulebookIdOfHash;
}

/**
 * @title BodyAdministration
 * @notice The association's and the bodies' administrative writes (accreditation, terms, keys, voids, rulebooks),
 * as an external library the certificate contract delegates to: they run a few times a year, so they pay for a
 * DELEGATECALL and keep the certificate contract under EIP-170's size limit. Access control stays in the caller,
 * which passes what it checked (`isAssociation`) and the values only it knows (`now_`, the EIP-712 domain).
 */
library BodyAdministration {
    using EnumerableSet for EnumerableSet.AddressSet;

    bytes32 internal constant SUPERVISOR_ROLE = keccak256("SUPERVISOR_ROLE");
    bytes32 internal constant SIGNING_KEY_CONSENT_TYPEHASH =
        keccak256("SigningKeyConsent(uint16 bodyId,address key,uint40 deadline)");
    uint16 internal constant MAX_BODIES = 255;

    /// @notice See {CertifyingBodyRegistry-accreditBody}.
    function accreditBody(
        Registry storage r,
        IBodyRegistry.Accreditation calldata accreditation,
        IBodyRegistry.SigningKeyGrant[] calldata signingKeys,
        uint40 now_,
        bytes32 domainSeparator
    ) external returns (uint16 bodyId) {
        if (accreditation.admin == address(0)) revert IBodyRegistry.InvalidAddress();
        _checkTerms(accreditation.scope, accreditation.accreditedUntil, now_);
        if (r.bodyCount == MAX_BODIES) revert IBodyRegistry.RegistryFull();
        bodyId = ++r.bodyCount;
        r.bodies[bodyId] = IBodyRegistry.Body({
            accreditedUntil: accreditation.accreditedUntil,
            noticePeriod: accreditation.noticePeriod,
            scope: accreditation.scope,
            status: BodyStatus.Active,
            voucherNonce: 0
        });
        IBodyRegistry.BodyProfile storage profile = r.profiles[bodyId];
        profile.admin = accreditation.admin;
        profile.metadataHash = accreditation.metadataHash;
        r.metadataURIs[bodyId] = accreditation.metadataURI;
        emit IBodyRegistry.BodyAccredited(
            bodyId,
            accreditation.admin,
            accreditation.scope,
            accreditation.accreditedUntil,
            accreditation.noticePeriod,
            accreditation.metadataURI,
            accreditation.metadataHash,
            msg.sender
        );
        for (uint256 i; i < signingKeys.length; ++i) {
            _addSigningKey(r, bodyId, signingKeys[i], now_, domainSeparator);
        }
    }

    /// @notice See {CertifyingBodyRegistry-updateBodyTerms}.
    function updateBodyTerms(
        Registry storage r,
        uint16 bodyId,
        uint8 scope,
        uint40 accreditedUntil,
        uint24 noticePeriod,
        uint40 now_
    ) external {
        IBodyRegistry.Body storage body = _existingBody(r, bodyId);
        _checkTerms(scope, accreditedUntil, now_);
        body.scope = scope;
        body.accreditedUntil = accreditedUntil;
        body.noticePeriod = noticePeriod;
        emit IBodyRegistry.BodyTermsUpdated(bodyId, scope, accreditedUntil, noticePeriod, msg.sender);
    }

    /// @notice See {CertifyingBodyRegistry-updateBodyMetadata}.
    function updateBodyMetadata(
        Registry storage r,
        uint16 bodyId,
        string calldata metadataURI,
        bytes32 metadataHash,
        bool isAssociation
    ) external {
        IBodyRegistry.BodyProfile storage profile = _requireBodyAdminOrAssociation(r, bodyId, isAssociation);
        r.metadataURIs[bodyId] = metadataURI;
        profile.metadataHash = metadataHash;
        emit IBodyRegistry.BodyMetadataUpdated(bodyId, metadataURI, metadataHash, msg.sender);
    }

    /// @notice See {CertifyingBodyRegistry-setBodyAdmin}.
    function setBodyAdmin(Registry storage r, uint16 bodyId, address newAdmin, bool isAssociation) external {
        IBodyRegistry.BodyProfile storage profile = _requireBodyAdminOrAssociation(r, bodyId, isAssociation);
        if (newAdmin == address(0)) revert IBodyRegistry.InvalidAddress();
        address previous = profile.admin;
        profile.admin = newAdmin;
        emit IBodyRegistry.BodyAdminChanged(bodyId, previous, newAdmin, msg.sender);
    }

    /// @notice Suspends (`to` Suspended, from Active), reinstates (Active, from Suspended) or revokes (Revoked,
    /// from anything but Revoked) a body's accreditation. The caller checked who may.
    function setBodyStatus(Registry storage r, uint16 bodyId, BodyStatus to, bytes32 evidenceHash) external {
        IBodyRegistry.Body storage body = _existingBody(r, bodyId);
        BodyStatus from = body.status;
        if (to == BodyStatus.Suspended) {
            if (from != BodyStatus.Active) revert IBodyRegistry.BodyNotActive(bodyId, from);
            emit IBodyRegistry.BodySuspended(bodyId, msg.sender, evidenceHash);
        } else if (to == BodyStatus.Active) {
            if (from != BodyStatus.Suspended) revert IBodyRegistry.BodyNotSuspended(bodyId, from);
            emit IBodyRegistry.BodyReinstated(bodyId, msg.sender);
        } else {
            if (from == BodyStatus.Revoked) revert IBodyRegistry.BodyAccreditationIsRevoked(bodyId);
            emit IBodyRegistry.BodyAccreditationRevoked(bodyId, msg.sender, evidenceHash);
        }
        body.status = to;
    }

    /// @notice See {CertifyingBodyRegistry-addSigningKey}.
    function addSigningKey(
        Registry storage r,
        uint16 bodyId,
        IBodyRegistry.SigningKeyGrant calldata grant,
        bool isAssociation,
        uint40 now_,
        bytes32 domainSeparator
    ) external {
        _requireBodyAdminOrAssociation(r, bodyId, isAssociation);
        _addSigningKey(r, bodyId, grant, now_, domainSeparator);
    }

    /// @notice See {CertifyingBodyRegistry-removeSigningKey}.
    function removeSigningKey(Registry storage r, uint16 bodyId, address key, bool isAssociation) external {
        _requireBodyAdminOrAssociation(r, bodyId, isAssociation);
        if (r.bodyOfKey[key] != bodyId) revert IBodyRegistry.NotSigningKeyOfBody(key, bodyId);
        delete r.bodyOfKey[key];
        r.bodyKeys[bodyId].remove(key);
        emit IBodyRegistry.SigningKeyRemoved(bodyId, key, msg.sender);
    }

    /// @notice See {CertifyingBodyRegistry-cancelVouchers}.
    function cancelVouchers(Registry storage r, uint16 bodyId, bool isAssociation) external {
        _requireBodyAdminOrAssociation(r, bodyId, isAssociation);
        IBodyRegistry.Body storage body = r.bodies[bodyId];
        uint64 nonce = uint64(uint256(keccak256(abi.encode(blockhash(block.number - 1), bodyId, body.voucherNonce))));
        body.voucherNonce = nonce;
        emit IBodyRegistry.VouchersCancelled(bodyId, nonce, msg.sender);
    }

    /// @notice See {CertifyingBodyRegistry-voidCertificatesIssuedBefore}.
    function voidCertificates(
        Registry storage r,
        uint16 bodyId,
        uint40 voidedBefore,
        bytes32 evidenceHash,
        uint40 now_
    ) external {
        _existingBody(r, bodyId);
        if (voidedBefore > now_) revert IBodyRegistry.VoidDateInFuture(voidedBefore);
        IBodyRegistry.BodyProfile storage profile = r.profiles[bodyId];
        uint40 previousVoidBlock = profile.lastVoidBlock;
        profile.voidedBefore = voidedBefore;
        profile.lastVoidBlock = uint40(block.number);
        emit IBodyRegistry.BodyCertificatesVoided(bodyId, voidedBefore, evidenceHash, msg.sender, previousVoidBlock);
    }

    /// @notice See {CertifyingBodyRegistry-registerRulebook}.
    function registerRulebook(
        Registry storage r,
        bytes32 contentHash,
        string calldata uri,
        uint32 reviewInterval,
        uint32 reviewGrace
    ) external returns (uint16 rulebookId) {
        if (contentHash == bytes32(0)) revert IBodyRegistry.InvalidRulebookHash();
        if (reviewInterval == 0 ? reviewGrace != 0 : reviewGrace >= reviewInterval) {
            revert IBodyRegistry.InvalidReviewSchedule(reviewInterval, reviewGrace);
        }
        uint16 existing = r.rulebookIdOfHash[contentHash];
        if (existing != 0) revert IBodyRegistry.RulebookAlreadyRegistered(contentHash, existing);
        if (r.rulebookCount == type(uint16).max) revert IBodyRegistry.RegistryFull();
        rulebookId = ++r.rulebookCount;
        r.rulebookIdOfHash[contentHash] = rulebookId;
        r.rulebooks[rulebookId] = IBodyRegistry.Rulebook({
            status: IBodyRegistry.RulebookStatus.Active,
            reviewInterval: reviewInterval,
            reviewGrace: reviewGrace,
            contentHash: contentHash
        });
        r.rulebookURIs[rulebookId] = uri;
        emit IBodyRegistry.RulebookRegistered(rulebookId, contentHash, uri, reviewInterval, reviewGrace, msg.sender);
    }

    /// @notice See {CertifyingBodyRegistry-deprecateRulebook}.
    function deprecateRulebook(Registry storage r, uint16 rulebookId) external {
        IBodyRegistry.RulebookStatus status = r.rulebooks[rulebookId].status;
        if (status == IBodyRegistry.RulebookStatus.None) revert IBodyRegistry.RulebookNotFound(rulebookId);
        if (status == IBodyRegistry.RulebookStatus.Deprecated) revert IBodyRegistry.RulebookIsDeprecated(rulebookId);
        r.rulebooks[rulebookId].status = IBodyRegistry.RulebookStatus.Deprecated;
        emit IBodyRegistry.RulebookDeprecated(rulebookId, msg.sender);
    }

    /// @notice See {CertifyingBodyRegistry-getBody}.
    function getBody(Registry storage r, uint16 bodyId)
        external
        view
        returns (IBodyRegistry.Body memory body, IBodyRegistry.BodyProfile memory profile, address[] memory keys)
    {
        body = _existingBody(r, bodyId);
        profile = r.profiles[bodyId];
        keys = r.bodyKeys[bodyId].values();
    }

    /// @notice The EIP-712 digest a key signs to consent to serve `bodyId` until `deadline` (unix seconds).
    function signingKeyConsentDigest(bytes32 domainSeparator, uint16 bodyId, address key, uint40 deadline)
        internal
        pure
        returns (bytes32)
    {
        return MessageHashUtils.toTypedDataHash(
            domainSeparator, keccak256(abi.encode(SIGNING_KEY_CONSENT_TYPEHASH, bodyId, key, deadline))
        );
    }

    /// @dev The body of a signing key that may issue now, and the body's terms (a memory copy, so that a batch
    /// reads the slot once).
    function issuingKey(Registry storage r, address key, uint40 now_)
        internal
        view
        returns (uint16 bodyId, IBodyRegistry.Body memory body)
    {
        bodyId = r.bodyOfKey[key];
        if (bodyId == 0) revert IBodyRegistry.UnauthorizedAccount(key);
        body = r.bodies[bodyId];
        requireAccredited(bodyId, body.status, body.accreditedUntil, now_);
    }

    /// @dev Certificates name only active rulebooks.
    function requireActiveRulebook(Registry storage r, uint16 rulebookId) internal view {
        IBodyRegistry.RulebookStatus status = r.rulebooks[rulebookId].status;
        if (status == IBodyRegistry.RulebookStatus.Active) return;
        if (status == IBodyRegistry.RulebookStatus.None) revert IBodyRegistry.RulebookNotFound(rulebookId);
        revert IBodyRegistry.RulebookIsDeprecated(rulebookId);
    }

    /// @dev A body may issue and restore only while active and within its term.
    function requireAccredited(uint16 bodyId, BodyStatus status, uint40 accreditedUntil, uint40 now_) internal pure {
        if (status != BodyStatus.Active) revert IBodyRegistry.BodyNotActive(bodyId, status);
        if (now_ >= accreditedUntil) revert IBodyRegistry.BodyAccreditationExpired(bodyId, accreditedUntil);
    }

    function _existingBody(Registry storage r, uint16 bodyId) private view returns (IBodyRegistry.Body storage body) {
        body = r.bodies[bodyId];
        if (body.status == BodyStatus.None) revert IBodyRegistry.BodyNotFound(bodyId);
    }

    function _requireBodyAdminOrAssociation(Registry storage r, uint16 bodyId, bool isAssociation)
        private
        view
        returns (IBodyRegistry.BodyProfile storage profile)
    {
        _existingBody(r, bodyId);
        profile = r.profiles[bodyId];
        if (msg.sender != profile.admin && !isAssociation) revert IBodyRegistry.NotBodyAdmin(bodyId, msg.sender);
    }

    function _checkTerms(uint8 scope, uint40 accreditedUntil, uint40 now_) private pure {
        if (scope == 0) revert IBodyRegistry.InvalidScope(scope);
        if (accreditedUntil <= now_) revert IBodyRegistry.InvalidAccreditationTerm(accreditedUntil);
    }

    /// @dev A key joins with its own signature, once per consent, and never holds a role of the association's.
    function _addSigningKey(
        Registry storage r,
        uint16 bodyId,
        IBodyRegistry.SigningKeyGrant calldata grant,
        uint40 now_,
        bytes32 domainSeparator
    ) private {
        address key = grant.key;
        if (key == address(0)) revert IBodyRegistry.InvalidAddress();
        uint16 current = r.bodyOfKey[key];
        if (current != 0) revert IBodyRegistry.SigningKeyInUse(key, current);
        // A DELEGATECALL: `this` is the certificate contract, whose roles these are.
        IAccessControl roles = IAccessControl(address(this));
        if (roles.hasRole(SUPERVISOR_ROLE, key) || roles.hasRole(bytes32(0), key)) {
            revert IBodyRegistry.RoleHolderCannotBeSigningKey(key);
        }
        if (now_ > grant.deadline) revert IBodyRegistry.SigningKeyConsentExpired(key, grant.deadline);
        bytes32 digest = signingKeyConsentDigest(domainSeparator, bodyId, key, grant.deadline);
        if (r.usedKeyConsents[digest]) revert IBodyRegistry.SigningKeyConsentUsed(key);
        if (!SignatureRules.isValidSignature(key, digest, grant.signature)) revert IBodyRegistry.InvalidSignature(key);
        r.usedKeyConsents[digest] = true;
        r.bodyOfKey[key] = bodyId;
        r.bodyKeys[bodyId].add(key);
        emit IBodyRegistry.SigningKeyAdded(bodyId, key, msg.sender);
    }
}
