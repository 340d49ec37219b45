// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

import {RevocationReason, ReviewResult, CertificateStatus} from "../CertificateTypes.sol";

/**
 * @title ICQOCertificate
 * @notice The events and errors of a certificate's life: shared by the certificate contract and by the
 * {CertificateAdministration} library that holds its rarely used writes (so that the contract stays under the
 * 24,576-byte limit of EIP-170).
 */
interface ICQOCertificate {
    // Indexing: a holder's certificates are found by the ERC-721 `Transfer` event (indexed by holder and token);
    // every other event is indexed by token and body. `by` is the account that acted in the contract's terms;
    // `previousEventBlock` is the block of the certificate's event before this one (0: none).
    event CertificateIssued(
        uint256 indexed tokenId,
        uint16 indexed bodyId,
        bytes32 resultRoot,
        uint8 level,
        uint16 rulebookId,
        uint40 validUntil,
        address by
    );
    event CertificateSuspended(
        uint256 indexed tokenId,
        uint16 indexed bodyId,
        bytes32 evidenceHash,
        address by,
        bool bySupervisor,
        uint40 previousEventBlock
    );
    event CertificateReinstated(
        uint256 indexed tokenId, uint16 indexed bodyId, address by, bool bySupervisor, uint40 previousEventBlock
    );
    event CertificateRevoked(
        uint256 indexed tokenId,
        uint16 indexed bodyId,
        RevocationReason reason,
        bytes32 evidenceHash,
        address by,
        bool bySupervisor,
        uint40 previousEventBlock
    );
    event ObjectionFiled(
        uint256 indexed tokenId,
        uint16 indexed bodyId,
        address indexed filer,
        bytes32 evidenceHash,
        uint40 previousEventBlock
    );
    event ObjectionResolved(
        uint256 indexed tokenId,
        uint16 indexed bodyId,
        bool upheld,
        bytes32 evidenceHash,
        address by,
        bool bySupervisor,
        uint40 previousEventBlock
    );
    /// @param validFrom the end of the renewal's public notice, during which objections may be filed
    event CertificateRenewed(
        uint256 indexed tokenId,
        uint16 indexed bodyId,
        bytes32 resultRoot,
        uint16 rulebookId,
        uint40 validFrom,
        uint40 validUntil,
        address by,
        uint40 previousEventBlock
    );
    /// @param previousEventBlock the block of the old certificate's event before this one
    event CertificateReissued(
        uint256 indexed tokenId,
        uint256 indexed newTokenId,
        uint16 indexed bodyId,
        address newHolder,
        bytes32 resultRoot,
        address by,
        uint40 previousEventBlock
    );
    /// @param nextReviewDue when the next review falls due after this one (0: none before the end of validity)
    event AnnualReviewRecorded(
        uint256 indexed tokenId,
        uint16 indexed bodyId,
        ReviewResult result,
        bytes32 evidenceHash,
        uint40 nextReviewDue,
        address by,
        uint40 previousEventBlock
    );
    event PrimaryCertificateChosen(address indexed holder, uint256 indexed tokenId);
    event RendererChanged(address indexed renderer, address by);


    error InvalidHolder();
    error InvalidResultRoot();
    error ResultRootAlreadyUsed(bytes32 resultRoot);
    error ResultRootUsedByRenewal(bytes32 resultRoot, uint256 renewedTokenId);
    error CertificateNumberTaken(uint256 tokenId);
    error LevelOutOfScope(uint16 bodyId, uint8 level);
    error InvalidValidity(uint40 validUntil, uint40 validFrom);
    error CertificateNotFound(uint256 tokenId);
    error CertificateAlreadyRevoked(uint256 tokenId, RevocationReason reason);
    error CertificateAlreadySuspended(uint256 tokenId, bool bySupervisor);
    error CertificateNotSuspended(uint256 tokenId, bool bySupervisor);
    error SuspendedBySupervisor(uint256 tokenId);
    error ObjectionPending(uint256 tokenId);
    error NoObjectionPending(uint256 tokenId);
    error NotInGoodStanding(uint256 tokenId, CertificateStatus status);
    error InPublicNotice(uint256 tokenId, uint40 validFrom);
    error CertificateIsVoided(uint256 tokenId);
    error NoticePeriodOver(uint256 tokenId, uint40 validFrom);
    error InvalidRevocationReason(RevocationReason reason);
    error NotIssuingBody(uint256 tokenId, uint16 bodyId);
    error VoucherExpired(uint40 deadline);
    error VoucherSignerNotOfBody(address signer, uint16 bodyId);
    error VoucherNonceMismatch(uint64 expected, uint64 given);
    error ConsentExpired(uint40 deadline);
    error ObjectionAlreadyFiled(uint256 tokenId, address filer);
    error NoReviewDue(uint256 tokenId);
    error ReviewNotYetOpen(uint256 tokenId, uint40 opensAt);
    error NoSuchHolding(address holder, uint16 index);
    error Soulbound();

}
