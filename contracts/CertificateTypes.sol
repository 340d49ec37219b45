// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

/// @notice Where a certifying body stands with the association.
enum BodyStatus {
    None,
    Active,
    Suspended,
    Revoked
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
    Voided, // issued before the date from which the association voided the body's certificates
    ReviewOverdue // valid otherwise, but its annual review (年审) is past due and past the rulebook's grace period
}

/// @notice The outcome of an annual review (年审) a body records.
enum ReviewResult {
    Passed, // the next review falls due one interval later
    FailedSuspended, // failed: the body suspends the certificate (lifted like any body suspension)
    FailedRevoked // failed: revoked with reason `FailedReview`
}

/// @notice Everything a verifier shows about one certificate, in one call. Dates are unix seconds whatever the
/// chain's clock unit.
struct CertificateView {
    uint256 tokenId;
    CertificateStatus status;
    RevocationReason revocationReason;
    bool underObjection;
    address holder;
    uint16 bodyId;
    bool bodyAccredited;
    uint8 level;
    uint40 issuedAt; // the first issuance
    uint40 validFrom; // the end of the current result's public notice
    uint40 validUntil;
    uint16 rulebookId;
    bytes32 rulebookHash;
    bytes32 resultRoot; // the current result's root (a renewal's once renewed)
    uint256 predecessor;
    uint256 successor;
    bool suspendedByBody;
    bool suspendedBySupervisor;
    uint40 evaluatedAt; // when the current result was recorded: the issuance, or the last renewal
    uint40 lastEventBlock; // the block of the certificate's latest event: where its history starts walking back
    uint40 nextReviewDue; // when the next annual review falls due (0: none before the end of validity)
    uint8 reviewsPassed; // annual reviews passed since the current result
}
