// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IERC5192} from "./interfaces/IERC5192.sol";
import {ICertificateRenderer} from "./interfaces/ICertificateRenderer.sol";
import {CertifyingBodyRegistry} from "./CertifyingBodyRegistry.sol";
import {SignatureRules} from "./libraries/SignatureRules.sol";
import {
    RecordSlot, TermsSlot, HoldingsSlot, PackedRecord, PackedTerms, CertFlags
} from "./libraries/PackedCertificate.sol";
import {BodyStatus, RevocationReason, CertificateStatus, CertificateView} from "./CertificateTypes.sol";

/**
 * @title CQOCertificate
 * @notice Soulbound certificates of a Chief Quality Officer's capability level (首席质量官能力水平证书), issued by
 * accredited certifying bodies (ERC-721 + ERC-5192).
 *
 * Design choices, each for a reason:
 * - A certificate's number (token id) is its body's id (top byte) followed by the first 56 bits of its
 *   `resultRoot`, the Merkle root of the salted evaluation record. Numbers are the body's own: another body that
 *   copies a root from the mempool gets a number of its own and takes nothing from the issuer. The record's slot
 *   is the "root already used" check: issuance is idempotent (a retried batch never double-issues) and costs two
 *   fresh record slots and one holder slot, nothing more.
 * - No personal data: only the root, whose leaves the holder keeps and discloses as they choose.
 * - Status is stored only where a transaction decides it (suspension by the body or by the supervisor, each its
 *   own flag; objection; revocation); pending, expired and voided are computed from time, so they never cost a
 *   transaction, and the association voids a fraudulent body's certificates in one write.
 * - Every result goes through public notice (公示), a renewal's too; objections stay open for the whole notice
 *   whatever the body does, and only a body in good standing may lift a suspension or dismiss an objection.
 * - Each record keeps the block of its latest event, and each event the block of the one before, so a history
 *   costs one log request per event on any chain, however long (ERC-1056's pattern).
 * - A holder's certificates are listed on-chain (three inline in one slot, then one slot each), so wallets and other
 *   contracts need no indexer.
 * - Dates are unix seconds on every chain (see {ChainClock}); events say who acted: the account (a Safe, a
 *   timelock or the key that signed a voucher, never a relayer) and whether it acted as the supervisor.
 */
contract CQOCertificate is CertifyingBodyRegistry, IERC721Metadata, IERC5192 {
    /// @notice What a body signs to issue one certificate. `validUntil` is unix seconds.
    /// @dev Field order (here and in the voucher) is chosen so that the issuing functions' selectors sort first in
    /// the dispatcher, which the compiler searches linearly: about 1,000 gas less per call than an unlucky order.
    struct Issuance {
        uint8 level; // 1 = 一级 (highest)
        uint40 validUntil;
        bytes32 resultRoot;
        address holder;
        uint16 rulebookId;
    }

    /// @notice An issuance signed off-line by a body's key (EIP-712), submitted by the holder or any relayer.
    /// @dev A voucher commits to a `resultRoot`, which can be used once: it cannot be replayed. The nonce is the
    /// body's current voucher nonce; `cancelVouchers` replaces it with one no one could have signed for.
    struct IssuanceVoucher {
        Issuance issuance;
        uint40 deadline;
        uint16 bodyId;
        uint64 nonce;
    }

    /// @dev The dates of a certificate that has been renewed (its first issuance, and the end of the result the
    /// renewal replaced, which stays in force during the renewal's notice). One slot, written by renewals only.
    struct Renewal {
        uint40 firstIssuedAt;
        uint40 previousValidUntil;
    }

    bytes32 public constant ISSUANCE_TYPEHASH =
        keccak256("Issuance(uint8 level,uint40 validUntil,bytes32 resultRoot,address holder,uint16 rulebookId)");
    bytes32 public constant VOUCHER_TYPEHASH = keccak256(
        "IssuanceVoucher(Issuance issuance,uint40 deadline,uint16 bodyId,uint64 nonce)"
        "Issuance(uint8 level,uint40 validUntil,bytes32 resultRoot,address holder,uint16 rulebookId)"
    );
    bytes32 public constant REISSUE_CONSENT_TYPEHASH =
        keccak256("ReissueConsent(uint256 tokenId,address newHolder,bytes32 newResultRoot,uint40 deadline)");

    /// @notice Levels are 1..8: a body's scope is a bit mask over them.
    uint8 public constant MAX_LEVEL = 8;
    /// @notice `holdsValidCertificate` looks at a holder's newest certificates only, so that no body can make it
    /// unaffordable by issuing to someone else's wallet; `isValidCertificateOf` checks any one certificate.
    uint256 public constant HOLDINGS_SCANNED = 16;

    mapping(uint256 tokenId => RecordSlot) private _records;
    mapping(uint256 tokenId => TermsSlot) private _terms;
    mapping(uint256 tokenId => bytes32) private _renewedRoot;
    mapping(uint256 tokenId => Renewal) private _renewals;
    mapping(uint256 tokenId => uint256) private _predecessorOf;
    mapping(uint256 tokenId => uint256) private _successorOf;
    mapping(address holder => HoldingsSlot) private _holdings;
    mapping(address holder => mapping(uint256 index => uint256 tokenId)) private _moreCertificates;

    /// @notice The contract that renders `tokenURI`.
    ICertificateRenderer public renderer;

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
    error Soulbound();

    /**
     * @param association the association's admin address (see {CertifyingBodyRegistry})
     * @param adminTransferDelay seconds a handover of the association's role waits before it can be accepted
     * @param clockUnit 1 if the chain's `block.timestamp` counts seconds, 1000 if it counts milliseconds
     * @param initialRenderer the metadata renderer for `tokenURI` (not zero)
     */
    constructor(address association, uint48 adminTransferDelay, uint256 clockUnit, ICertificateRenderer initialRenderer)
        CertifyingBodyRegistry(association, adminTransferDelay, clockUnit)
        EIP712("CQO Certificate", "2")
    {
        _setRenderer(initialRenderer);
    }

    // ---------------------------------------------------------------- issuance

    /**
     * @notice Issues one certificate, signed by a signing key of an accredited body.
     * @dev The certificate is pending for the body's notice period (公示), then valid until `validUntil`.
     * @return tokenId the certificate number: the body's id and the first 56 bits of `resultRoot`
     */
    function issueCertificate(Issuance calldata issuance) external returns (uint256 tokenId) {
        (uint16 bodyId, Body memory body) = _issuingKey(msg.sender);
        _requireActiveRulebook(issuance.rulebookId);
        return _issue(bodyId, body, issuance, msg.sender);
    }

    /**
     * @notice Issues a batch of certificates in one transaction; all or none.
     * @dev Reverts with `ResultRootAlreadyUsed` if any item was already issued, so a retried batch never
     * double-issues: drop the issued items (see `isResultRootUsed`) and retry the rest.
     */
    function issueCertificates(Issuance[] calldata batch) external returns (uint256[] memory tokenIds) {
        (uint16 bodyId, Body memory body) = _issuingKey(msg.sender);
        tokenIds = new uint256[](batch.length);
        uint256 checkedRulebook = type(uint256).max; // no rulebook id: the first item is always checked
        for (uint256 i; i < batch.length; ++i) {
            Issuance calldata issuance = batch[i];
            if (issuance.rulebookId != checkedRulebook) {
                _requireActiveRulebook(issuance.rulebookId);
                checkedRulebook = issuance.rulebookId;
            }
            tokenIds[i] = _issue(bodyId, body, issuance, msg.sender);
        }
    }

    /**
     * @notice Issues a certificate from a voucher a body's key signed off-line (an EOA or an ERC-1271 wallet such
     * as a multisig). Anyone may submit it before its deadline (unix seconds); the events name the signer.
     * @param signer the body's signing key that signed the voucher
     */
    function issueWithVoucher(address signer, bytes calldata signature, IssuanceVoucher calldata voucher)
        external
        returns (uint256 tokenId)
    {
        if (_now() > voucher.deadline) revert VoucherExpired(voucher.deadline);
        (uint16 bodyId, Body memory body) = _issuingKey(signer);
        if (bodyId != voucher.bodyId) revert VoucherSignerNotOfBody(signer, voucher.bodyId);
        if (voucher.nonce != body.voucherNonce) revert VoucherNonceMismatch(body.voucherNonce, voucher.nonce);
        if (!SignatureRules.isValidSignature(signer, voucherDigest(voucher), signature)) revert InvalidSignature(signer);
        _requireActiveRulebook(voucher.issuance.rulebookId);
        return _issue(bodyId, body, voucher.issuance, signer);
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * @notice Suspends a certificate. The issuing body's keys (even while the body is suspended or past its term:
     * it stays answerable for what it issued), or the supervisor; each suspension is lifted only by whoever set it.
     * @dev Write functions name a certificate by its 64-bit number. Parameter orders of the hot paths (suspend,
     * revoke) put their selectors early in the dispatcher.
     */
    function suspendCertificate(bytes32 evidenceHash, uint64 tokenId) external {
        RecordSlot record = _existingUnrevoked(tokenId);
        bool bySupervisor = _authorize(tokenId, false);
        uint8 flag = bySupervisor ? CertFlags.SUSPENDED_BY_SUPERVISOR : CertFlags.SUSPENDED_BY_BODY;
        if (record.has(flag)) revert CertificateAlreadySuspended(tokenId, bySupervisor);
        _records[tokenId] = record.withFlag(flag, true, _blockOffset());
        emit CertificateSuspended(tokenId, _bodyOf(tokenId), evidenceHash, msg.sender, bySupervisor, _prev(record));
    }

    /**
     * @notice Lifts the caller's suspension: the body's by a key of a body in good standing (active, within its
     * term), the supervisor's by the supervisor. The other's suspension, if any, stays.
     */
    function reinstateCertificate(uint64 tokenId) external {
        RecordSlot record = _existingUnrevoked(tokenId);
        bool bySupervisor = _authorize(tokenId, true);
        uint8 flag = bySupervisor ? CertFlags.SUSPENDED_BY_SUPERVISOR : CertFlags.SUSPENDED_BY_BODY;
        if (!record.has(flag)) {
            if (record.has(CertFlags.SUSPENDED_BY_SUPERVISOR)) revert SuspendedBySupervisor(tokenId);
            revert CertificateNotSuspended(tokenId, bySupervisor);
        }
        _records[tokenId] = record.withFlag(flag, false, _blockOffset());
        emit CertificateReinstated(tokenId, _bodyOf(tokenId), msg.sender, bySupervisor, _prev(record));
    }

    /**
     * @notice Revokes a certificate for good, with a reason code and the hash of the evidence.
     * The issuing body's keys (while its accreditation is not revoked), or the supervisor. `Reissued` is set only by
     * `reissueCertificate`.
     */
    function revokeCertificate(uint64 tokenId, bytes32 evidenceHash, RevocationReason reason) external {
        _revoke(tokenId, reason, evidenceHash);
    }

    /// @notice Revokes several certificates with one reason and one evidence hash; all or none.
    function revokeCertificates(uint64[] calldata tokenIds, bytes32 evidenceHash, RevocationReason reason) external {
        for (uint256 i; i < tokenIds.length; ++i) {
            _revoke(tokenIds[i], reason, evidenceHash);
        }
    }

    /**
     * @notice Files an objection (异议) against a certificate's current result during its public notice. Anyone
     * may, whatever the body has done meanwhile (a suspension does not close the notice): that is the point of
     * publicity. The certificate stays pending until the body or the supervisor resolves the objection.
     */
    function fileObjection(uint64 tokenId, bytes32 evidenceHash) external {
        RecordSlot record = _existingUnrevoked(tokenId);
        if (record.has(CertFlags.OBJECTED)) revert ObjectionPending(tokenId);
        uint40 validFrom = _validFrom(record, _terms[tokenId]);
        if (_now() >= validFrom) revert NoticePeriodOver(tokenId, validFrom);
        _records[tokenId] = record.withFlag(CertFlags.OBJECTED, true, _blockOffset());
        emit ObjectionFiled(tokenId, _bodyOf(tokenId), msg.sender, evidenceHash, _prev(record));
    }

    /**
     * @notice Decides an objection: upheld revokes the certificate with `reason`; dismissed lets it become valid
     * at the end of its notice period. The issuing body's keys (dismissing: only while the body is in good
     * standing), or the supervisor.
     */
    function resolveObjection(uint64 tokenId, bool upheld, RevocationReason reason, bytes32 evidenceHash) external {
        RecordSlot record = _existingUnrevoked(tokenId);
        bool bySupervisor = _authorize(tokenId, !upheld);
        if (!record.has(CertFlags.OBJECTED)) revert NoObjectionPending(tokenId);
        uint40 previous = _prev(record);
        uint16 bodyId = _bodyOf(tokenId);
        RecordSlot resolved = record.withFlag(CertFlags.OBJECTED, false, _blockOffset());
        emit ObjectionResolved(tokenId, bodyId, upheld, evidenceHash, msg.sender, bySupervisor, previous);
        if (upheld) {
            _checkRevocationReason(reason);
            _records[tokenId] = resolved.withReason(reason, _blockOffset());
            emit CertificateRevoked(tokenId, bodyId, reason, evidenceHash, msg.sender, bySupervisor, previous);
        } else {
            _records[tokenId] = resolved;
        }
    }

    /**
     * @notice Renews a certificate after a re-evaluation (复评): a new `resultRoot`, rulebook and end of validity
     * (unix seconds). The new result goes through the body's public notice like an issuance; meanwhile the result
     * it replaces stays in force until its own end. The certificate keeps its number and holder; the history stays
     * in the events. The issuing body only, while accredited for the certificate's level, once the current
     * result's notice is over.
     */
    function renewCertificate(uint64 tokenId, bytes32 newResultRoot, uint16 rulebookId, uint40 newValidUntil)
        external
    {
        (uint16 bodyId, Body memory body) = _issuingKey(msg.sender);
        RecordSlot record = _existingUnrevoked(tokenId);
        TermsSlot terms = _terms[tokenId];
        _requireInGoodStanding(tokenId, record, terms, bodyId, body);
        _requireActiveRulebook(rulebookId);
        uint40 validFrom = _now() + body.noticePeriod;
        if (newValidUntil <= validFrom) revert InvalidValidity(newValidUntil, validFrom);
        uint32 until = _toOffset(newValidUntil);
        // The new root is claimed like an issued one, so no certificate can later be issued with it.
        uint256 rootNumber = _claimRoot(bodyId, newResultRoot);
        _records[rootNumber] = PackedRecord.renewalRoot();
        _terms[rootNumber] = PackedTerms.packRenewalRoot(newResultRoot, tokenId);
        Renewal storage renewal = _renewals[tokenId];
        if (renewal.firstIssuedAt == 0) renewal.firstIssuedAt = _fromOffset(record.evaluatedAt());
        renewal.previousValidUntil = _fromOffset(terms.validUntil());
        _records[tokenId] = record.withResult(_nowOffset(), rulebookId, _blockOffset());
        _terms[tokenId] = terms.withDates(until, body.noticePeriod);
        _renewedRoot[tokenId] = newResultRoot;
        emit CertificateRenewed(
            tokenId, bodyId, newResultRoot, rulebookId, validFrom, newValidUntil, msg.sender, _prev(record)
        );
    }

    /**
     * @notice Re-issues a certificate to a new wallet (the holder lost their keys): the old one is revoked as
     * `Reissued`, the new one keeps the level, dates and rulebook and links back to it. The new wallet consents by
     * signing a `ReissueConsent` (EIP-712; ERC-1271 wallets too). The issuing body only, in good standing.
     * @param newResultRoot the root of the holder's new credential (fresh salts, so the old credential file
     * proves nothing about the new token)
     * @return newTokenId the new certificate's number
     */
    function reissueCertificate(
        uint64 tokenId,
        address newHolder,
        bytes32 newResultRoot,
        uint40 consentDeadline,
        bytes calldata holderConsent
    ) external returns (uint256 newTokenId) {
        (uint16 bodyId, Body memory body) = _issuingKey(msg.sender);
        RecordSlot record = _existingUnrevoked(tokenId);
        TermsSlot terms = _terms[tokenId];
        _requireInGoodStanding(tokenId, record, terms, bodyId, body);
        if (newHolder == address(0) || newHolder == record.holder()) revert InvalidHolder();
        if (_now() > consentDeadline) revert ConsentExpired(consentDeadline);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(REISSUE_CONSENT_TYPEHASH, tokenId, newHolder, newResultRoot, consentDeadline))
        );
        if (!SignatureRules.isValidSignature(newHolder, digest, holderConsent)) revert InvalidSignature(newHolder);

        newTokenId = _claimRoot(bodyId, newResultRoot);
        uint32 here = _blockOffset();
        _records[tokenId] = record.withReason(RevocationReason.Reissued, here);
        emit CertificateRevoked(
            tokenId, bodyId, RevocationReason.Reissued, bytes32(0), msg.sender, false, _prev(record)
        );
        _mint(
            newTokenId,
            PackedRecord.pack(newHolder, record.evaluatedAt(), record.rulebookId(), record.level(), here),
            PackedTerms.pack(newResultRoot, terms.validUntil(), terms.noticePeriod())
        );
        Renewal memory renewal = _renewals[tokenId];
        if (renewal.firstIssuedAt != 0) _renewals[newTokenId] = renewal;
        _predecessorOf[newTokenId] = tokenId;
        _successorOf[tokenId] = newTokenId;
        emit CertificateReissued(tokenId, newTokenId, bodyId, newHolder, newResultRoot, msg.sender, _prev(record));
    }

    /// @notice Replaces the metadata renderer (not zero). The association only.
    function setRenderer(ICertificateRenderer newRenderer) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setRenderer(newRenderer);
    }

    // ---------------------------------------------------------------- verification

    /// @notice Everything a verifier shows about a certificate, computed now. Status `NotFound` if none.
    function verifyCertificate(uint256 tokenId) public view returns (CertificateView memory view_) {
        RecordSlot record = _records[tokenId];
        view_.tokenId = tokenId;
        if (record.holder() == address(0)) return view_;
        TermsSlot terms = _terms[tokenId];
        uint16 bodyId = _bodyOf(tokenId);
        view_.status = _status(tokenId, record, terms);
        view_.revocationReason = record.reason();
        view_.underObjection = record.has(CertFlags.OBJECTED) && record.reason() == RevocationReason.None;
        view_.holder = record.holder();
        view_.bodyId = bodyId;
        view_.bodyAccredited = isAccredited(bodyId);
        view_.level = record.level();
        view_.evaluatedAt = _fromOffset(record.evaluatedAt());
        uint40 firstIssuedAt = _renewals[tokenId].firstIssuedAt;
        view_.issuedAt = firstIssuedAt != 0 ? firstIssuedAt : view_.evaluatedAt;
        view_.validFrom = view_.evaluatedAt + terms.noticePeriod();
        view_.validUntil = _fromOffset(terms.validUntil());
        view_.rulebookId = record.rulebookId();
        view_.rulebookHash = _rulebookHash(record.rulebookId());
        view_.resultRoot = _rootOf(tokenId, terms);
        view_.predecessor = _predecessorOf[tokenId];
        view_.successor = _successorOf[tokenId];
        view_.suspendedByBody = record.has(CertFlags.SUSPENDED_BY_BODY);
        view_.suspendedBySupervisor = record.has(CertFlags.SUSPENDED_BY_SUPERVISOR);
        view_.lastEventBlock = _prev(record);
    }

    /// @notice The computed status of a certificate.
    function statusOf(uint256 tokenId) external view returns (CertificateStatus) {
        RecordSlot record = _records[tokenId];
        if (record.holder() == address(0)) return CertificateStatus.NotFound;
        return _status(tokenId, record, _terms[tokenId]);
    }

    /**
     * @notice Whether one of `holder`'s newest `HOLDINGS_SCANNED` certificates is valid now, at `atLeastLevel` or
     * better. Level 1 (一级) is the highest, so `atLeastLevel = 2` accepts levels 1 and 2. For other contracts to
     * gate on; its cost is bounded whatever others issue to the wallet.
     */
    function holdsValidCertificate(address holder, uint8 atLeastLevel) external view returns (bool) {
        HoldingsSlot holdings = _holdings[holder];
        uint256 index = holdings.count();
        uint256 stop = index > HOLDINGS_SCANNED ? index - HOLDINGS_SCANNED : 0;
        while (index > stop) {
            --index;
            uint256 tokenId = index < 3 ? holdings.inlineAt(index) : _moreCertificates[holder][index];
            if (_isValidAtLevel(tokenId, _records[tokenId], atLeastLevel)) return true;
        }
        return false;
    }

    /// @notice Whether `tokenId` is `holder`'s and valid now, at `atLeastLevel` or better: one certificate, O(1).
    function isValidCertificateOf(address holder, uint256 tokenId, uint8 atLeastLevel) external view returns (bool) {
        RecordSlot record = _records[tokenId];
        return record.holder() == holder && holder != address(0) && _isValidAtLevel(tokenId, record, atLeastLevel);
    }

    /// @notice Every certificate ever issued to `holder`, oldest first, whatever its status.
    function certificatesOf(address holder) public view returns (uint256[] memory tokenIds) {
        HoldingsSlot holdings = _holdings[holder];
        tokenIds = new uint256[](holdings.count());
        for (uint256 i; i < tokenIds.length; ++i) {
            tokenIds[i] = i < 3 ? holdings.inlineAt(i) : _moreCertificates[holder][i];
        }
    }

    /// @notice The current `resultRoot` of a certificate (the renewal's root once renewed).
    function resultRootOf(uint256 tokenId) external view returns (bytes32) {
        _existing(tokenId);
        return _rootOf(tokenId, _terms[tokenId]);
    }

    /// @notice The certificate number that `resultRoot` issues as for `bodyId`: the body's id, then the root's
    /// first 56 bits. Never 0: body ids run from 1 to `MAX_BODIES`, and others are refused.
    function certificateNumberOf(uint16 bodyId, bytes32 resultRoot) public pure returns (uint256) {
        if (bodyId == 0 || bodyId > MAX_BODIES) revert BodyNotFound(bodyId);
        return (uint256(bodyId) << 56) | (uint256(resultRoot) >> 200);
    }

    /// @notice Whether `bodyId` has used exactly this `resultRoot` (issued, re-issued or renewed with it); a root
    /// that merely shares its number with a used one is not used.
    function isResultRootUsed(uint16 bodyId, bytes32 resultRoot) external view returns (bool) {
        uint256 tokenId = certificateNumberOf(bodyId, resultRoot);
        return _records[tokenId].isUsed() && _sameRoot(_terms[tokenId], resultRoot);
    }

    /// @notice The EIP-712 digest a body's key signs for a voucher.
    function voucherDigest(IssuanceVoucher calldata voucher) public view returns (bytes32) {
        Issuance calldata issuance = voucher.issuance;
        bytes32 issuanceHash = keccak256(
            abi.encode(
                ISSUANCE_TYPEHASH,
                issuance.level,
                issuance.validUntil,
                issuance.resultRoot,
                issuance.holder,
                issuance.rulebookId
            )
        );
        return _hashTypedDataV4(
            keccak256(abi.encode(VOUCHER_TYPEHASH, issuanceHash, voucher.deadline, voucher.bodyId, voucher.nonce))
        );
    }

    // ---------------------------------------------------------------- ERC-721 + ERC-5192

    /// @inheritdoc IERC721Metadata
    function name() external pure returns (string memory) {
        return "CQO Certificate";
    }

    /// @inheritdoc IERC721Metadata
    function symbol() external pure returns (string memory) {
        return "CQO";
    }

    /// @notice JSON metadata built on-chain, so any wallet shows the credential with no server.
    function tokenURI(uint256 tokenId) external view returns (string memory) {
        _existing(tokenId);
        return renderer.tokenURI(verifyCertificate(tokenId));
    }

    /// @inheritdoc IERC721
    function balanceOf(address owner) external view returns (uint256) {
        if (owner == address(0)) revert InvalidHolder();
        return _holdings[owner].count();
    }

    /// @inheritdoc IERC721
    function ownerOf(uint256 tokenId) external view returns (address) {
        return _existing(tokenId).holder();
    }

    /// @notice Always true: certificates are bound to the holder's wallet (ERC-5192).
    function locked(uint256 tokenId) external view returns (bool) {
        _existing(tokenId);
        return true;
    }

    /// @notice Certificates cannot be approved for transfer: always the zero address.
    function getApproved(uint256 tokenId) external view returns (address) {
        _existing(tokenId);
        return address(0);
    }

    /// @notice Certificates cannot be approved for transfer: always false.
    function isApprovedForAll(address, address) external pure returns (bool) {
        return false;
    }

    /// @notice Reverts: certificates are soulbound. Lost keys are handled by `reissueCertificate`.
    function transferFrom(address, address, uint256) external pure {
        revert Soulbound();
    }

    /// @notice Reverts: certificates are soulbound.
    function safeTransferFrom(address, address, uint256) external pure {
        revert Soulbound();
    }

    /// @notice Reverts: certificates are soulbound.
    function safeTransferFrom(address, address, uint256, bytes calldata) external pure {
        revert Soulbound();
    }

    /// @notice Reverts: certificates are soulbound.
    function approve(address, uint256) external pure {
        revert Soulbound();
    }

    /// @notice Reverts: certificates are soulbound.
    function setApprovalForAll(address, bool) external pure {
        revert Soulbound();
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) public view override(AccessControlDefaultAdminRules, IERC165) returns (bool) {
        return interfaceId == type(IERC721).interfaceId || interfaceId == type(IERC721Metadata).interfaceId
            || interfaceId == type(IERC5192).interfaceId || super.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------- internal

    function _issue(uint16 bodyId, Body memory body, Issuance calldata issuance, address by)
        private
        returns (uint256 tokenId)
    {
        address holder = issuance.holder;
        if (holder == address(0)) revert InvalidHolder();
        uint8 level = issuance.level;
        if (level == 0 || level > MAX_LEVEL || (body.scope >> (level - 1)) & 1 == 0) {
            revert LevelOutOfScope(bodyId, level);
        }
        uint40 validFrom = _now() + body.noticePeriod;
        if (issuance.validUntil <= validFrom) revert InvalidValidity(issuance.validUntil, validFrom);
        tokenId = _claimRoot(bodyId, issuance.resultRoot);
        _mint(
            tokenId,
            PackedRecord.pack(holder, _nowOffset(), issuance.rulebookId, level, _blockOffset()),
            PackedTerms.pack(issuance.resultRoot, _toOffset(issuance.validUntil), body.noticePeriod)
        );
        emit CertificateIssued(
            tokenId, bodyId, issuance.resultRoot, level, issuance.rulebookId, issuance.validUntil, by
        );
    }

    /// @dev Checks that the body never used a root and returns the certificate number it maps to.
    function _claimRoot(uint16 bodyId, bytes32 resultRoot) private view returns (uint256 tokenId) {
        if (resultRoot == bytes32(0)) revert InvalidResultRoot();
        tokenId = certificateNumberOf(bodyId, resultRoot);
        RecordSlot existing = _records[tokenId];
        if (!existing.isUsed()) return tokenId;
        TermsSlot terms = _terms[tokenId];
        // Two of a body's roots share a number only by a 2^-56 accident or on purpose: say which.
        if (!_sameRoot(terms, resultRoot)) revert CertificateNumberTaken(tokenId);
        if (existing.has(CertFlags.RENEWAL_ROOT)) {
            revert ResultRootUsedByRenewal(resultRoot, (tokenId >> 56 << 56) | terms.renewedLow());
        }
        revert ResultRootAlreadyUsed(resultRoot);
    }

    function _sameRoot(TermsSlot terms, bytes32 resultRoot) private pure returns (bool) {
        return PackedTerms.tail(bytes32(TermsSlot.unwrap(terms))) == PackedTerms.tail(resultRoot);
    }

    function _mint(uint256 tokenId, RecordSlot record, TermsSlot terms) private {
        address holder = record.holder();
        _records[tokenId] = record;
        _terms[tokenId] = terms;
        HoldingsSlot holdings = _holdings[holder];
        uint16 index = holdings.count();
        if (index >= 3) _moreCertificates[holder][index] = tokenId;
        _holdings[holder] = holdings.withAdded(uint64(tokenId));
        emit Transfer(address(0), holder, tokenId);
        emit Locked(tokenId);
    }

    function _revoke(uint256 tokenId, RevocationReason reason, bytes32 evidenceHash) private {
        _checkRevocationReason(reason);
        RecordSlot record = _existingUnrevoked(tokenId);
        bool bySupervisor = _authorize(tokenId, false);
        _records[tokenId] = record.withReason(reason, _blockOffset());
        emit CertificateRevoked(
            tokenId, _bodyOf(tokenId), reason, evidenceHash, msg.sender, bySupervisor, _prev(record)
        );
    }

    function _checkRevocationReason(RevocationReason reason) private pure {
        if (reason == RevocationReason.None || reason == RevocationReason.Reissued) {
            revert InvalidRevocationReason(reason);
        }
    }

    function _setRenderer(ICertificateRenderer newRenderer) private {
        if (address(newRenderer) == address(0)) revert InvalidAddress();
        renderer = newRenderer;
        emit RendererChanged(address(newRenderer), msg.sender);
    }

    /**
     * @dev The caller must be a current signing key of the issuing body, or the supervisor. A body's keys keep the
     * power to suspend and revoke while the body is suspended or past its term (it stays answerable for what it
     * issued), but what restores a certificate (`restores`: lifting a suspension, dismissing an objection) needs a
     * body in good standing; once its accreditation is revoked only the supervisor acts. True for the supervisor.
     */
    function _authorize(uint256 tokenId, bool restores) private view returns (bool bySupervisor) {
        uint16 bodyId = _bodyOf(tokenId);
        if (_keyBody(msg.sender) == bodyId) {
            (BodyStatus status, uint40 accreditedUntil) = _bodyStanding(bodyId);
            if (status == BodyStatus.Revoked) revert BodyAccreditationIsRevoked(bodyId);
            if (restores) _requireAccredited(bodyId, status, accreditedUntil);
            return false;
        }
        if (_isSupervisor(msg.sender)) return true;
        revert NotIssuingBody(tokenId, bodyId);
    }

    /// @dev What renewal and re-issue need: the caller's body issued it, it carries no flag, is not voided, its
    /// notice is over and its level is still in the body's scope.
    function _requireInGoodStanding(
        uint256 tokenId,
        RecordSlot record,
        TermsSlot terms,
        uint16 bodyId,
        Body memory body
    ) private view {
        if (_bodyOf(tokenId) != bodyId) revert NotIssuingBody(tokenId, _bodyOf(tokenId));
        if (record.flags() != 0) revert NotInGoodStanding(tokenId, _status(tokenId, record, terms));
        if (_fromOffset(record.evaluatedAt()) < _voidedBefore(bodyId)) revert CertificateIsVoided(tokenId);
        uint40 validFrom = _validFrom(record, terms);
        if (_now() < validFrom) revert InPublicNotice(tokenId, validFrom);
        if ((body.scope >> (record.level() - 1)) & 1 == 0) revert LevelOutOfScope(bodyId, record.level());
    }

    function _existing(uint256 tokenId) private view returns (RecordSlot record) {
        record = _records[tokenId];
        if (record.holder() == address(0)) revert CertificateNotFound(tokenId);
    }

    /// @dev A certificate is revoked exactly when it has a revocation reason.
    function _existingUnrevoked(uint256 tokenId) private view returns (RecordSlot record) {
        record = _existing(tokenId);
        if (record.reason() != RevocationReason.None) revert CertificateAlreadyRevoked(tokenId, record.reason());
    }

    /// @dev The body that issued a certificate: the top byte of its number.
    function _bodyOf(uint256 tokenId) private pure returns (uint16) {
        return uint16(uint8(tokenId >> 56));
    }

    /// @dev The block of the certificate's latest event, as the chain numbers it.
    function _prev(RecordSlot record) private view returns (uint40) {
        return _fromBlockOffset(record.lastBlock());
    }

    function _validFrom(RecordSlot record, TermsSlot terms) private view returns (uint40) {
        return _fromOffset(record.evaluatedAt()) + terms.noticePeriod();
    }

    function _rootOf(uint256 tokenId, TermsSlot terms) private view returns (bytes32) {
        bytes32 renewed = _renewedRoot[tokenId];
        if (renewed != bytes32(0)) return renewed;
        return terms.resultRoot(tokenId);
    }

    function _isValidAtLevel(uint256 tokenId, RecordSlot record, uint8 atLeastLevel) private view returns (bool) {
        return record.level() <= atLeastLevel && _status(tokenId, record, _terms[tokenId]) == CertificateStatus.Valid;
    }

    function _status(uint256 tokenId, RecordSlot record, TermsSlot terms) private view returns (CertificateStatus) {
        if (record.reason() != RevocationReason.None) return CertificateStatus.Revoked;
        uint40 evaluatedAt = _fromOffset(record.evaluatedAt());
        if (evaluatedAt < _voidedBefore(_bodyOf(tokenId))) return CertificateStatus.Voided;
        if (record.has(CertFlags.SUSPENDED)) return CertificateStatus.Suspended;
        uint40 now_ = _now();
        // Expiry first: an objection left unresolved does not keep a certificate pending past its end of validity.
        if (now_ >= _fromOffset(terms.validUntil())) return CertificateStatus.Expired;
        if (record.has(CertFlags.OBJECTED)) return CertificateStatus.Pending;
        if (now_ < evaluatedAt + terms.noticePeriod()) {
            // A renewal in notice: the result it replaces stays in force until its own end.
            return now_ < _renewals[tokenId].previousValidUntil ? CertificateStatus.Valid : CertificateStatus.Pending;
        }
        return CertificateStatus.Valid;
    }
}
