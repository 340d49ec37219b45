// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

import {BodyStatus} from "../CertificateTypes.sol";

/**
 * @title IBodyRegistry
 * @notice The shapes, events and errors of the association's governance: shared by the registry, which the
 * certificate contract inherits, and by the {BodyAdministration} library that holds its rarely used writes (so that
 * the certificate contract stays under the 24,576-byte limit of EIP-170).
 */
interface IBodyRegistry {
    /// @notice A body's terms of accreditation: the one slot issuance reads besides the key's.
    struct Body {
        uint40 accreditedUntil; // unix seconds
        uint24 noticePeriod; // seconds of public notice (公示) before a new result becomes valid
        uint8 scope; // bit (level - 1) set: the body may certify that level
        BodyStatus status;
        uint64 voucherNonce; // vouchers signed for another nonce are void; `cancelVouchers` draws a new one
    }

    /// @notice The rest of a body's record, read by verifiers and administration, never by issuance.
    struct BodyProfile {
        address admin;
        uint40 voidedBefore; // certificates whose current result is older than this are void (0: none)
        uint40 lastVoidBlock; // the block of the body's latest void: voids are walked back like a certificate's
        bytes32 metadataHash; // hash of the off-chain metadata document (name, legal code, address)
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

    /// @notice A key's consent to sign for a body: its EIP-712 `SigningKeyConsent` (ERC-1271 for contract wallets).
    struct SigningKeyGrant {
        address key;
        uint40 deadline;
        bytes signature;
    }

    enum RulebookStatus {
        None,
        Active,
        Deprecated
    }

    /// @dev Documents' URIs are kept beside the records (`bodyMetadataURI`, `rulebookURI`): one string encoder
    /// for both views, where struct returns holding strings cost the contract a kilobyte of code.
    /// @dev The review schedule is the rulebook's own data (its `validity`), repeated here so that the contract
    /// can tell when a review is overdue; the sdk derives both numbers from the rulebook it hashes.
    struct Rulebook {
        RulebookStatus status; // with the schedule in one slot: issuance reads only this slot
        uint32 reviewInterval; // seconds between annual reviews (年审), counted from the end of the notice; 0: none
        uint32 reviewGrace; // seconds after a review falls due before the certificate counts as overdue
        bytes32 contentHash; // keccak-256 of the rulebook's RFC 8785 canonical JSON
    }

    event BodyAccredited(
        uint16 indexed bodyId,
        address indexed admin,
        uint8 scope,
        uint40 accreditedUntil,
        uint24 noticePeriod,
        string metadataURI,
        bytes32 metadataHash,
        address by
    );
    event BodyTermsUpdated(
        uint16 indexed bodyId, uint8 scope, uint40 accreditedUntil, uint24 noticePeriod, address by
    );
    event BodyMetadataUpdated(uint16 indexed bodyId, string metadataURI, bytes32 metadataHash, address by);
    event BodyAdminChanged(uint16 indexed bodyId, address indexed previousAdmin, address indexed newAdmin, address by);
    event BodySuspended(uint16 indexed bodyId, address indexed by, bytes32 evidenceHash);
    event BodyReinstated(uint16 indexed bodyId, address indexed by);
    event BodyAccreditationRevoked(uint16 indexed bodyId, address indexed by, bytes32 evidenceHash);
    event SigningKeyAdded(uint16 indexed bodyId, address indexed key, address by);
    event SigningKeyRemoved(uint16 indexed bodyId, address indexed key, address by);
    event VouchersCancelled(uint16 indexed bodyId, uint64 nonce, address by);
    /// @param previousVoidBlock the block of the body's void before this one (0: none)
    event BodyCertificatesVoided(
        uint16 indexed bodyId, uint40 voidedBefore, bytes32 evidenceHash, address by, uint40 previousVoidBlock
    );
    event RulebookRegistered(
        uint16 indexed rulebookId,
        bytes32 indexed contentHash,
        string uri,
        uint32 reviewInterval,
        uint32 reviewGrace,
        address by
    );
    event RulebookDeprecated(uint16 indexed rulebookId, address by);

    error InvalidAddress();
    /// @notice A grace period without reviews, or one as long as the review interval.
    error InvalidReviewSchedule(uint32 reviewInterval, uint32 reviewGrace);
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
    error SigningKeyConsentExpired(address key, uint40 deadline);
    error SigningKeyConsentUsed(address key);
    error RoleHolderCannotBeSigningKey(address key);
    error SigningKeyCannotHoldRole(address key, bytes32 role);
    error InvalidSignature(address signer);
    error VoidDateInFuture(uint40 voidedBefore);
    error InvalidRulebookHash();
    error RulebookAlreadyRegistered(bytes32 contentHash, uint16 rulebookId);
    error RulebookNotFound(uint16 rulebookId);
    error RulebookIsDeprecated(uint16 rulebookId);
    error RegistryFull();
    error UnauthorizedAccount(address account);
}
