// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

/// @notice Where a certifying body stands with the association.
enum BodyStatus {
    None,
    Active,
    Suspended,
    Revoked
}

/// @notice The stored state of a certificate that is not revoked. Time-dependent facts (pending, expired) and the
/// association's mass invalidation (voided) are not stored: they are computed by the views, so they cost no
/// transaction.
enum CertState {
    Active,
    Objected,
    SuspendedByBody,
    SuspendedBySupervisor
}

/// @notice Why a certificate was revoked. A certificate is revoked exactly when it has a reason other than `None`:
/// revocation is one write, and terminal.
enum RevocationReason {
    None,
    Fraud,
    Violation,
    FailedReview,
    Reissued,
    HolderRequest,
    BodyError,
    Other
}

/// @notice What a verifier is told about a certificate, computed at the time of the call.
enum CertificateStatus {
    NotFound,
    Pending, // in public notice (公示) or under an unresolved objection: not yet valid
    Valid,
    Suspended,
    Revoked,
    Expired,
    Voided // issued before the date from which the association voided the body's certificates
}

/// @notice Everything a verifier shows about one certificate, in one call.
struct CertificateView {
    uint256 tokenId;
    CertificateStatus status;
    RevocationReason revocationReason;
    bool underObjection;
    address holder;
    uint16 bodyId;
    bool bodyAccredited;
    uint8 level;
    uint40 issuedAt;
    uint40 validFrom;
    uint40 validUntil;
    uint16 rulebookId;
    bytes32 rulebookHash;
    bytes32 resultRoot;
    uint256 predecessor;
    uint256 successor;
}
