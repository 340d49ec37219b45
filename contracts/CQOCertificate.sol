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
import {Moment} from "./ChainClock.sol";
import {ICQOCertificate} from "./interfaces/ICQOCertificate.sol";
import {SignatureRules} from "./libraries/SignatureRules.sol";
import {RecordSlot, TermsSlot, HoldingsSlot, PackedRecord, PackedTerms, CertFlags} from "./libraries/PackedCertificate.sol";
import {Ledger, ClockSettings, CertificateRules} from "./libraries/CertificateLedger.sol";
import {CertificateAdministration} from "./libraries/CertificateAdministration.sol";
import {RevocationReason, CertificateStatus, CertificateView, ReviewResult} from "./CertificateTypes.sol";

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
 * - Supervision after issuance (监督管理): each result's annual reviews (年审) fall due on its rulebook's schedule;
 *   a missed one is `ReviewOverdue`, computed like expiry, so it costs no transaction either.
 * - Issuance, suspension and revocation run here; the rarely used writes (objections, renewal, re-issue, reviews,
 *   the primary certificate) run in {CertificateAdministration}, over the same storage ({Ledger}) and rules
 *   ({CertificateRules}).
 */
contract CQOCertificate is ICQOCertificate, CertifyingBodyRegistry, IERC721Metadata, IERC5192 {
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

    bytes32 public constant ISSUANCE_TYPEHASH =
        keccak256("Issuance(uint8 level,uint40 validUntil,bytes32 resultRoot,address holder,uint16 rulebookId)");
    bytes32 public constant VOUCHER_TYPEHASH = keccak256(
        "IssuanceVoucher(Issuance issuance,uint40 deadline,uint16 bodyId,uint64 nonce)"
        "Issuance(uint8 level,uint40 validUntil,bytes32 resultRoot,address holder,uint16 rulebookId)"
    );
    bytes32 public constant REISSUE_CONSENT_TYPEHASH = CertificateAdministration.REISSUE_CONSENT_TYPEHASH;

    /// @notice Levels are 1..8: a body's scope is a bit mask over them.
    uint8 internal constant MAX_LEVEL = 8;
    /// @notice `holdsValidCertificate` looks at a holder's newest certificates only, so that no body can make it
    /// unaffordable by issuing to someone else's wallet; `isValidCertificateOf` checks any one certificate.
    uint256 public constant HOLDINGS_SCANNED = 16;

    Ledger private _ledger;

    /// @notice The contract that renders `tokenURI`.
    ICertificateRenderer public renderer;

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
        _ledger.clock = ClockSettings({unit: uint16(clockUnit), epoch: EPOCH, genesisBlock: uint40(GENESIS_BLOCK)});
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
        RecordSlot record = CertificateRules.existingUnrevoked(_ledger, tokenId);
        bool bySupervisor = _authorize(tokenId, false);
        uint8 flag = bySupervisor ? CertFlags.SUSPENDED_BY_SUPERVISOR : CertFlags.SUSPENDED_BY_BODY;
        if (record.has(flag)) revert CertificateAlreadySuspended(tokenId, bySupervisor);
        _ledger.records[tokenId] = record.withFlag(flag, true, _blockOffset());
        emit CertificateSuspended(
            tokenId, CertificateRules.bodyOf(tokenId), evidenceHash, msg.sender, bySupervisor, _prev(record)
        );
    }

    /**
     * @notice Lifts the caller's suspension: the body's by a key of a body in good standing (active, within its
     * term), the supervisor's by the supervisor. The other's suspension, if any, stays; once the body's
     * accreditation is revoked, the supervisor may lift the body's suspension too (no one else can).
     */
    function reinstateCertificate(uint64 tokenId) external {
        CertificateAdministration.reinstateCertificate(_ledger, _registry, _isSupervisor(msg.sender), tokenId);
    }

    /**
     * @notice Revokes a certificate for good, with a reason code and the hash of the evidence.
     * The issuing body's keys (while its accreditation is not revoked), or the supervisor. `Reissued` is set only by
     * `reissueCertificate`, `FailedReview` only by `recordReview`; a holder's own request is `HolderRequest`.
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
     * publicity. The certificate stays pending until the body or the supervisor resolves the objection. Each
     * account objects once to each result, so no one can keep a result pending by filing again after a dismissal;
     * the issuing body's keys, which relay the public's signed objections from its workbench, are not bounded.
     */
    function fileObjection(uint64 tokenId, bytes32 evidenceHash) external {
        CertificateAdministration.fileObjection(_ledger, _registry, tokenId, evidenceHash);
    }

    /**
     * @notice Decides an objection: upheld revokes the certificate with `reason`; dismissed lets it become valid
     * at the end of its notice period. The issuing body's keys (dismissing: only while the body is in good
     * standing), or the supervisor.
     */
    function resolveObjection(uint64 tokenId, bool upheld, RevocationReason reason, bytes32 evidenceHash) external {
        CertificateAdministration.resolveObjection(
            _ledger, _registry, _isSupervisor(msg.sender), tokenId, upheld, reason, evidenceHash
        );
    }

    /**
     * @notice Renews a certificate after a re-evaluation (复评): a new `resultRoot`, rulebook and end of validity
     * (unix seconds). The new result goes through the body's public notice like an issuance; meanwhile the result
     * it replaces stays in force until its own end. The certificate keeps its number and holder; the history stays
     * in the events; its annual reviews count again from the end of the new notice. The issuing body only, while
     * accredited for the certificate's level, once the current result's notice is over and its review not overdue.
     */
    function renewCertificate(uint64 tokenId, bytes32 newResultRoot, uint16 rulebookId, uint40 newValidUntil)
        external
    {
        CertificateAdministration.renewCertificate(
            _ledger, _registry, tokenId, newResultRoot, rulebookId, newValidUntil
        );
    }

    /**
     * @notice Re-issues a certificate to a new wallet (the holder lost their keys): the old one is revoked as
     * `Reissued`, the new one keeps the level, end of validity, first issuance and rulebook and links back to it.
     * A new wallet is a new public fact, so the new certificate goes through the body's public notice (公示), open
     * to objections (the old wallet's owner's first); its annual reviews count from the end of that notice. The
     * new wallet consents by signing a `ReissueConsent` (EIP-712; ERC-1271 wallets too). The issuing body only, in
     * good standing.
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
        return CertificateAdministration.reissueCertificate(
            _ledger, _registry, _domainSeparatorV4(), tokenId, newHolder, newResultRoot, consentDeadline, holderConsent
        );
    }

    /// @notice Replaces the metadata renderer (not zero). The association only.
    function setRenderer(ICertificateRenderer newRenderer) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setRenderer(newRenderer);
    }

    // ---------------------------------------------------------------- supervision (监督管理)

    /**
     * @notice Records an annual review (年审) of a certificate, with the hash of its evidence. Passed: the next
     * review falls due one interval later. Failed: the certificate is suspended by the body, or revoked as
     * `FailedReview`. A review belongs to its period: it can be recorded from a quarter interval before its due
     * date on (three months of a year), late too, but never further ahead. The issuing body's keys only (a passed
     * review restores, so only while the body is in good standing).
     * @dev One warm write of the record slot the checks read anyway, and the event.
     */
    function recordReview(uint64 tokenId, ReviewResult result, bytes32 evidenceHash) external {
        CertificateAdministration.recordReview(_ledger, _registry, tokenId, result, evidenceHash);
    }

    /**
     * @notice Names the caller's `index`-th certificate (see `certificatesOf`) as their primary one, which
     * `holdsValidCertificate` always looks at: no body can push it out of sight by issuing to the wallet.
     */
    function choosePrimaryCertificate(uint16 index) external {
        CertificateAdministration.choosePrimaryCertificate(_ledger, index);
    }

    // ---------------------------------------------------------------- verification

    /// @notice Everything a verifier shows about a certificate, computed now. Status `NotFound` if none.
    function verifyCertificate(uint256 tokenId) public view returns (CertificateView memory view_) {
        RecordSlot record = _ledger.records[tokenId];
        view_.tokenId = tokenId;
        if (record.holder() == address(0)) return view_;
        TermsSlot terms = _ledger.terms[tokenId];
        uint16 bodyId = CertificateRules.bodyOf(tokenId);
        Moment memory m = _moment();
        view_.status = CertificateRules.status(_ledger, _registry, m, tokenId, record);
        view_.revocationReason = record.reason();
        view_.underObjection = record.has(CertFlags.OBJECTED) && record.reason() == RevocationReason.None;
        view_.holder = record.holder();
        view_.bodyId = bodyId;
        view_.bodyAccredited = isAccredited(bodyId);
        view_.level = record.level();
        view_.evaluatedAt = _fromOffset(record.evaluatedAt());
        uint40 firstIssuedAt = _ledger.renewals[tokenId].firstIssuedAt;
        view_.issuedAt = firstIssuedAt != 0 ? firstIssuedAt : view_.evaluatedAt;
        view_.validFrom = view_.evaluatedAt + terms.noticePeriod();
        view_.validUntil = _fromOffset(terms.validUntil());
        view_.rulebookId = record.rulebookId();
        view_.rulebookHash = _rulebookHash(record.rulebookId());
        view_.resultRoot = _rootOf(tokenId, terms);
        view_.predecessor = _ledger.predecessorOf[tokenId];
        view_.successor = _ledger.successorOf[tokenId];
        view_.suspendedByBody = record.has(CertFlags.SUSPENDED_BY_BODY);
        view_.suspendedBySupervisor = record.has(CertFlags.SUSPENDED_BY_SUPERVISOR);
        view_.lastEventBlock = _prev(record);
        (view_.nextReviewDue,,) = CertificateRules.nextReviewDue(_registry, m, record, terms);
        view_.reviewsPassed = record.reviews();
    }

    /// @notice The computed status of a certificate.
    function statusOf(uint256 tokenId) external view returns (CertificateStatus) {
        RecordSlot record = _ledger.records[tokenId];
        if (record.holder() == address(0)) return CertificateStatus.NotFound;
        return _status(tokenId, record);
    }

    /**
     * @notice Whether `holder`'s primary certificate (see `choosePrimaryCertificate`) or one of their newest
     * `HOLDINGS_SCANNED` certificates is valid now, at `atLeastLevel` or better. Level 1 (一级) is the highest, so
     * `atLeastLevel = 2` accepts levels 1 and 2. For other contracts to gate on; its cost is bounded whatever others
     * issue to the wallet, and the primary certificate cannot be pushed out of sight.
     */
    function holdsValidCertificate(address holder, uint8 atLeastLevel) external view returns (bool) {
        HoldingsSlot holdings = _ledger.holdings[holder];
        uint256 primary = holdings.primary();
        if (primary != 0) {
            uint256 chosen = CertificateRules.holdingAt(_ledger, holder, holdings, primary - 1);
            if (_isValidAtLevel(chosen, atLeastLevel)) return true;
        }
        uint256 index = holdings.count();
        uint256 stop = index > HOLDINGS_SCANNED ? index - HOLDINGS_SCANNED : 0;
        while (index > stop) {
            if (_isValidAtLevel(CertificateRules.holdingAt(_ledger, holder, holdings, --index), atLeastLevel)) {
                return true;
            }
        }
        return false;
    }

    /// @notice Whether `tokenId` is `holder`'s and valid now, at `atLeastLevel` or better: one certificate, O(1).
    function isValidCertificateOf(address holder, uint256 tokenId, uint8 atLeastLevel) external view returns (bool) {
        return _ledger.records[tokenId].holder() == holder && holder != address(0)
            && _isValidAtLevel(tokenId, atLeastLevel);
    }

    /// @notice Every certificate ever issued to `holder`, oldest first, whatever its status.
    function certificatesOf(address holder) public view returns (uint256[] memory tokenIds) {
        HoldingsSlot holdings = _ledger.holdings[holder];
        tokenIds = new uint256[](holdings.count());
        for (uint256 i; i < tokenIds.length; ++i) {
            tokenIds[i] = CertificateRules.holdingAt(_ledger, holder, holdings, i);
        }
    }

    /// @notice The index in `certificatesOf` of the holder's primary certificate, plus one (0: none named).
    function primaryCertificateIndexOf(address holder) external view returns (uint16) {
        return _ledger.holdings[holder].primary();
    }

    /// @notice The certificate number that `resultRoot` issues as for `bodyId`: the body's id, then the root's
    /// first 56 bits. Never 0: body ids run from 1 to `MAX_BODIES`, and others are refused.
    function certificateNumberOf(uint16 bodyId, bytes32 resultRoot) external pure returns (uint256) {
        return CertificateRules.numberOf(bodyId, resultRoot);
    }

    /// @notice Whether `bodyId` has used exactly this `resultRoot` (issued, re-issued or renewed with it); a root
    /// that merely shares its number with a used one is not used.
    function isResultRootUsed(uint16 bodyId, bytes32 resultRoot) external view returns (bool) {
        uint256 tokenId = CertificateRules.numberOf(bodyId, resultRoot);
        return _ledger.records[tokenId].isUsed() && CertificateRules.sameRoot(_ledger.terms[tokenId], resultRoot);
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
        CertificateRules.existing(_ledger, tokenId);
        return renderer.tokenURI(verifyCertificate(tokenId));
    }

    /// @inheritdoc IERC721
    function balanceOf(address owner) external view returns (uint256) {
        if (owner == address(0)) revert InvalidHolder();
        return _ledger.holdings[owner].count();
    }

    /// @inheritdoc IERC721
    function ownerOf(uint256 tokenId) external view returns (address) {
        return CertificateRules.existing(_ledger, tokenId).holder();
    }

    /// @notice Always true: certificates are bound to the holder's wallet (ERC-5192).
    function locked(uint256 tokenId) external view returns (bool) {
        CertificateRules.existing(_ledger, tokenId);
        return true;
    }

    /// @notice Certificates cannot be approved for transfer: always the zero address.
    function getApproved(uint256 tokenId) external view returns (address) {
        CertificateRules.existing(_ledger, tokenId);
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
    function supportsInterface(bytes4 interfaceId)
        public
        view
        override(AccessControlDefaultAdminRules, IERC165)
        returns (bool)
    {
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
        tokenId = CertificateRules.claimRoot(_ledger, bodyId, issuance.resultRoot);
        CertificateRules.mint(
            _ledger,
            tokenId,
            PackedRecord.pack(holder, _nowOffset(), issuance.rulebookId, level, _blockOffset()),
            PackedTerms.pack(issuance.resultRoot, _toOffset(issuance.validUntil), body.noticePeriod)
        );
        emit CertificateIssued(
            tokenId, bodyId, issuance.resultRoot, level, issuance.rulebookId, issuance.validUntil, by
        );
    }

    function _revoke(uint256 tokenId, RevocationReason reason, bytes32 evidenceHash) private {
        if (
            reason == RevocationReason.None || reason == RevocationReason.Reissued
                || reason == RevocationReason.FailedReview
        ) {
            revert InvalidRevocationReason(reason);
        }
        RecordSlot record = CertificateRules.existingUnrevoked(_ledger, tokenId);
        bool bySupervisor = _authorize(tokenId, false);
        _ledger.records[tokenId] = record.withReason(reason, _blockOffset());
        emit CertificateRevoked(
            tokenId, CertificateRules.bodyOf(tokenId), reason, evidenceHash, msg.sender, bySupervisor, _prev(record)
        );
    }

    function _setRenderer(ICertificateRenderer newRenderer) private {
        if (address(newRenderer) == address(0)) revert InvalidAddress();
        renderer = newRenderer;
        emit RendererChanged(address(newRenderer), msg.sender);
    }

    /// @dev The issuing body's key (see {CertificateRules-actsForBody}), or the supervisor: true for the supervisor.
    /// The supervisor's role is read only when the caller is not the body's key, which keeps the hot paths cheap.
    function _authorize(uint256 tokenId, bool restores) private view returns (bool bySupervisor) {
        uint16 bodyId = CertificateRules.bodyOf(tokenId);
        if (CertificateRules.actsForBody(_registry, bodyId, msg.sender, restores, _now())) return false;
        if (_isSupervisor(msg.sender)) return true;
        revert NotIssuingBody(tokenId, bodyId);
    }

    /// @dev The block of the certificate's latest event, as the chain numbers it.
    function _prev(RecordSlot record) private view returns (uint40) {
        return _fromBlockOffset(record.lastBlock());
    }

    function _rootOf(uint256 tokenId, TermsSlot terms) private view returns (bytes32) {
        bytes32 renewed = _ledger.renewedRoot[tokenId];
        if (renewed != bytes32(0)) return renewed;
        return terms.resultRoot(tokenId);
    }

    function _isValidAtLevel(uint256 tokenId, uint8 atLeastLevel) private view returns (bool) {
        RecordSlot record = _ledger.records[tokenId];
        return record.level() <= atLeastLevel && _status(tokenId, record) == CertificateStatus.Valid;
    }

    function _status(uint256 tokenId, RecordSlot record) private view returns (CertificateStatus) {
        return CertificateRules.status(_ledger, _registry, _moment(), tokenId, record);
    }
}
