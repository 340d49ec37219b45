// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureRules} from "./libraries/SignatureRules.sol";
import {IERC5192} from "./interfaces/IERC5192.sol";
import {ICertificateRenderer} from "./interfaces/ICertificateRenderer.sol";
import {CertifyingBodyRegistry} from "./CertifyingBodyRegistry.sol";
import {RecordSlot, TermsSlot, HoldingsSlot, PackedRecord, PackedTerms} from "./libraries/PackedCertificate.sol";
import {
    CertState, RevocationReason, CertificateStatus, CertificateView
} from "./CertificateTypes.sol";

/**
 * @title CQOCertificate
 * @notice Soulbound certificates of a Chief Quality Officer's capability level (首席质量官能力水平证书), issued by
 * accredited certifying bodies (ERC-721 + ERC-5192).
 *
 * Design choices, each for a reason:
 * - A certificate's number (token id) is the first 64 bits of its `resultRoot`, the Merkle root of the salted
 *   evaluation record. The record's own storage slot is then the "root already used" check: issuance is idempotent
 *   (a retried batch never double-issues) and costs two fresh record slots and one holder slot, nothing more.
 * - No personal data: only the root, whose leaves the holder keeps and discloses as they choose.
 * - Status is stored only where a transaction decides it (suspension, revocation, objection); pending, expired and
 *   voided are computed from time, so they never cost a transaction, and the association voids a fraudulent body's
 *   certificates in one write.
 * - A holder's certificates are listed on-chain (three inline in one slot, then one slot each), so wallets and other
 *   contracts need no indexer, and `holdsValidCertificate` lets other contracts gate on a level.
 */
contract CQOCertificate is CertifyingBodyRegistry, EIP712, IERC721Metadata, IERC5192 {
    /// @notice What a body signs to issue one certificate.
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
    /// @dev A voucher commits to a `resultRoot`, which can be used once: it cannot be replayed. The nonce lets the
    /// body cancel all its outstanding vouchers by raising its voucher nonce.
    struct IssuanceVoucher {
        Issuance issuance;
        uint40 deadline;
        uint16 bodyId;
        uint16 nonce;
    }

    bytes32 public constant ISSUANCE_TYPEHASH =
        keccak256("Issuance(uint8 level,uint40 validUntil,bytes32 resultRoot,address holder,uint16 rulebookId)");
    bytes32 public constant VOUCHER_TYPEHASH = keccak256(
        "IssuanceVoucher(Issuance issuance,uint40 deadline,uint16 bodyId,uint16 nonce)"
        "Issuance(uint8 level,uint40 validUntil,bytes32 resultRoot,address holder,uint16 rulebookId)"
    );
    bytes32 public constant REISSUE_CONSENT_TYPEHASH =
        keccak256("ReissueConsent(uint256 tokenId,address newHolder,bytes32 newResultRoot,uint40 deadline)");

    /// @notice Levels are 1..8: a body's scope is a bit mask over them.
    uint8 public constant MAX_LEVEL = 8;

    mapping(uint256 tokenId => RecordSlot) private _records;
    mapping(uint256 tokenId => TermsSlot) private _terms;
    mapping(uint256 tokenId => bytes32) private _renewedRoot;
    mapping(uint256 tokenId => uint256) private _predecessorOf;
    mapping(uint256 tokenId => uint256) private _successorOf;
    mapping(address holder => HoldingsSlot) private _holdings;
    mapping(address holder => mapping(uint256 index => uint256 tokenId)) private _moreCertificates;

    /// @notice The contract that renders `tokenURI`.
    ICertificateRenderer public renderer;

    // Indexing: a holder's certificates are found by the ERC-721 `Transfer` event (indexed by holder and token);
    // every other event is indexed by token and body. Who acted is the transaction's sender. Each topic or word
    // left out saves 256-375 gas on every certificate.
    event CertificateIssued(
        uint256 indexed tokenId, uint16 indexed bodyId, bytes32 resultRoot, uint8 level, uint16 rulebookId, uint40 validUntil
    );
    event CertificateSuspended(uint256 indexed tokenId, uint16 indexed bodyId, bytes32 evidenceHash);
    event CertificateReinstated(uint256 indexed tokenId, uint16 indexed bodyId);
    event CertificateRevoked(
        uint256 indexed tokenId, uint16 indexed bodyId, RevocationReason reason, bytes32 evidenceHash
    );
    event ObjectionFiled(uint256 indexed tokenId, uint16 indexed bodyId, address indexed filer, bytes32 evidenceHash);
    event ObjectionResolved(uint256 indexed tokenId, uint16 indexed bodyId, bool upheld, bytes32 evidenceHash);
    event CertificateRenewed(
        uint256 indexed tokenId, uint16 indexed bodyId, bytes32 resultRoot, uint16 rulebookId, uint40 validUntil
    );
    event CertificateReissued(
        uint256 indexed tokenId, uint256 indexed newTokenId, uint16 indexed bodyId, address newHolder, bytes32 resultRoot
    );
    event RendererChanged(address indexed renderer);

    error InvalidHolder();
    error InvalidResultRoot();
    error ResultRootAlreadyUsed(bytes32 resultRoot);
    error CertificateNumberTaken(uint256 tokenId);
    error LevelOutOfScope(uint16 bodyId, uint8 level);
    error InvalidValidity(uint40 validUntil, uint40 validFrom);
    error CertificateNotFound(uint256 tokenId);
    error InvalidCertificateState(uint256 tokenId, CertState state);
    error CertificateAlreadyRevoked(uint256 tokenId, RevocationReason reason);
    error CertificateIsVoided(uint256 tokenId);
    error NoticePeriodOver(uint256 tokenId, uint40 validFrom);
    error InvalidRevocationReason(RevocationReason reason);
    error NotIssuingBody(uint256 tokenId, uint16 bodyId);
    error VoucherExpired(uint40 deadline);
    error VoucherSignerNotOfBody(address signer, uint16 bodyId);
    error VoucherNonceMismatch(uint16 expected, uint16 given);
    error InvalidSignature(address signer);
    error ConsentExpired(uint40 deadline);
    error Soulbound();

    /**
     * @param association the association's admin address (see {CertifyingBodyRegistry})
     * @param initialRenderer the metadata renderer for `tokenURI`
     */
    constructor(address association, ICertificateRenderer initialRenderer)
        CertifyingBodyRegistry(association)
        EIP712("CQO Certificate", "1")
    {
        renderer = initialRenderer;
        emit RendererChanged(address(initialRenderer));
    }

    // ---------------------------------------------------------------- issuance

    /**
     * @notice Issues one certificate, signed by a signing key of an accredited body.
     * @dev The certificate is pending for the body's notice period (公示), then valid until `validUntil`.
     * @return tokenId the certificate number: the first 64 bits of `resultRoot`
     */
    function issueCertificate(Issuance calldata issuance) external returns (uint256 tokenId) {
        SigningKey memory key = _issuingKey(msg.sender);
        _requireActiveRulebook(issuance.rulebookId);
        return _issue(key, issuance);
    }

    /**
     * @notice Issues a batch of certificates in one transaction; all or none.
     * @dev Reverts with `ResultRootAlreadyUsed` if any item was already issued, so a retried batch never
     * double-issues: drop the issued items (see `certificateNumberOf` and `ownerOf`) and retry the rest.
     */
    function issueCertificates(Issuance[] calldata batch) external returns (uint256[] memory tokenIds) {
        SigningKey memory key = _issuingKey(msg.sender);
        tokenIds = new uint256[](batch.length);
        uint256 checkedRulebook = type(uint256).max; // no rulebook id: the first item is always checked
        for (uint256 i; i < batch.length; ++i) {
            Issuance calldata issuance = batch[i];
            if (issuance.rulebookId != checkedRulebook) {
                _requireActiveRulebook(issuance.rulebookId);
                checkedRulebook = issuance.rulebookId;
            }
            tokenIds[i] = _issue(key, issuance);
        }
    }

    /**
     * @notice Issues a certificate from a voucher a body's key signed off-line (an EOA or an ERC-1271 wallet such
     * as a multisig). Anyone may submit it before its deadline.
     * @param signer the body's signing key that signed the voucher
     */
    function issueWithVoucher(address signer, bytes calldata signature, IssuanceVoucher calldata voucher)
        external
        returns (uint256 tokenId)
    {
        if (block.timestamp > voucher.deadline) revert VoucherExpired(voucher.deadline);
        SigningKey memory key = _issuingKey(signer);
        if (key.bodyId != voucher.bodyId) revert VoucherSignerNotOfBody(signer, voucher.bodyId);
        if (voucher.nonce != key.voucherNonce) revert VoucherNonceMismatch(key.voucherNonce, voucher.nonce);
        if (!SignatureRules.isValidSignature(signer, voucherDigest(voucher), signature)) revert InvalidSignature(signer);
        _requireActiveRulebook(voucher.issuance.rulebookId);
        return _issue(key, voucher.issuance);
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * @notice Suspends a valid or pending certificate. The issuing body's keys, or the supervisor.
     * @dev Write functions name a certificate by its 64-bit number. Parameter orders of the hot paths (suspend,
     * revoke) put their selectors early in the dispatcher.
     */
    function suspendCertificate(bytes32 evidenceHash, uint64 tokenId) external {
        RecordSlot record = _existingUnrevoked(tokenId);
        bool bySupervisor = _authorize(record, tokenId);
        if (record.state() != CertState.Active) revert InvalidCertificateState(tokenId, record.state());
        _records[tokenId] =
            record.withState(bySupervisor ? CertState.SuspendedBySupervisor : CertState.SuspendedByBody);
        emit CertificateSuspended(tokenId, record.bodyId(), evidenceHash);
    }

    /// @notice Lifts a suspension. A suspension by the supervisor can only be lifted by the supervisor.
    function reinstateCertificate(uint64 tokenId) external {
        RecordSlot record = _existingUnrevoked(tokenId);
        bool bySupervisor = _authorize(record, tokenId);
        CertState state = record.state();
        if (state == CertState.SuspendedBySupervisor) {
            if (!bySupervisor) revert UnauthorizedAccount(msg.sender);
        } else if (state != CertState.SuspendedByBody) {
            revert InvalidCertificateState(tokenId, state);
        }
        _records[tokenId] = record.withState(CertState.Active);
        emit CertificateReinstated(tokenId, record.bodyId());
    }

    /**
     * @notice Revokes a certificate for good, with a reason code and the hash of the evidence.
     * The issuing body's keys, or the supervisor. `Reissued` is set only by `reissueCertificate`.
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
     * @notice Files an objection (异议) against a certificate during its public notice. Anyone may: that is the
     * point of publicity. The certificate stays pending until the body or the supervisor resolves it.
     */
    function fileObjection(uint64 tokenId, bytes32 evidenceHash) external {
        RecordSlot record = _existingUnrevoked(tokenId);
        if (record.state() != CertState.Active) revert InvalidCertificateState(tokenId, record.state());
        uint40 validFrom = record.issuedAt() + _terms[tokenId].noticePeriod();
        if (block.timestamp >= validFrom) revert NoticePeriodOver(tokenId, validFrom);
        _records[tokenId] = record.withState(CertState.Objected);
        emit ObjectionFiled(tokenId, record.bodyId(), msg.sender, evidenceHash);
    }

    /**
     * @notice Decides an objection: upheld revokes the certificate with `reason`; dismissed lets it become valid
     * at the end of its notice period. The issuing body's keys, or the supervisor.
     */
    function resolveObjection(uint64 tokenId, bool upheld, RevocationReason reason, bytes32 evidenceHash) external {
        RecordSlot record = _existingUnrevoked(tokenId);
        _authorize(record, tokenId);
        if (record.state() != CertState.Objected) revert InvalidCertificateState(tokenId, record.state());
        emit ObjectionResolved(tokenId, record.bodyId(), upheld, evidenceHash);
        if (upheld) {
            _checkRevocationReason(reason);
            _setRevoked(tokenId, record, reason, evidenceHash);
        } else {
            _records[tokenId] = record.withState(CertState.Active);
        }
    }

    /**
     * @notice Renews a certificate after a re-evaluation (复评): a new `resultRoot`, rulebook and end of validity.
     * The certificate keeps its number and holder; the history stays in the events. The issuing body only, while
     * accredited for the certificate's level.
     */
    function renewCertificate(uint64 tokenId, bytes32 newResultRoot, uint16 rulebookId, uint40 newValidUntil)
        external
    {
        SigningKey memory key = _issuingKey(msg.sender);
        RecordSlot record = _existingUnrevoked(tokenId);
        _requireRenewable(tokenId, record, key);
        _requireActiveRulebook(rulebookId);
        TermsSlot terms = _terms[tokenId];
        uint40 validFrom = record.issuedAt() + terms.noticePeriod();
        if (newValidUntil <= block.timestamp || newValidUntil <= validFrom) {
            revert InvalidValidity(newValidUntil, validFrom);
        }
        // The new root is marked used like an issued one, so no certificate can later be issued with it.
        _records[_claimRoot(newResultRoot)] = PackedRecord.usedMarker(uint40(block.timestamp));
        _records[tokenId] = record.withRulebookId(rulebookId);
        _terms[tokenId] = terms.withValidUntil(newValidUntil);
        _renewedRoot[tokenId] = newResultRoot;
        emit CertificateRenewed(tokenId, key.bodyId, newResultRoot, rulebookId, newValidUntil);
    }

    /**
     * @notice Re-issues a certificate to a new wallet (the holder lost their keys): the old one is revoked as
     * `Reissued`, the new one keeps the level, dates and rulebook and links back to it. The new wallet consents by
     * signing a `ReissueConsent` (EIP-712; ERC-1271 wallets too). The issuing body only.
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
        SigningKey memory key = _issuingKey(msg.sender);
        RecordSlot record = _existingUnrevoked(tokenId);
        _requireRenewable(tokenId, record, key);
        if (newHolder == address(0) || newHolder == record.holder()) revert InvalidHolder();
        if (block.timestamp > consentDeadline) revert ConsentExpired(consentDeadline);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(REISSUE_CONSENT_TYPEHASH, tokenId, newHolder, newResultRoot, consentDeadline))
        );
        if (!SignatureRules.isValidSignature(newHolder, digest, holderConsent)) revert InvalidSignature(newHolder);

        newTokenId = _claimRoot(newResultRoot);
        _setRevoked(tokenId, record, RevocationReason.Reissued, bytes32(0));
        TermsSlot terms = _terms[tokenId];
        _mint(
            newTokenId,
            PackedRecord.pack(newHolder, record.issuedAt(), key.bodyId, record.rulebookId(), record.level()),
            PackedTerms.pack(newResultRoot, terms.validUntil(), terms.noticePeriod())
        );
        _predecessorOf[newTokenId] = tokenId;
        _successorOf[tokenId] = newTokenId;
        emit CertificateReissued(tokenId, newTokenId, key.bodyId, newHolder, newResultRoot);
    }

    /// @notice Replaces the metadata renderer. The association only.
    function setRenderer(ICertificateRenderer newRenderer) external onlyRole(DEFAULT_ADMIN_ROLE) {
        renderer = newRenderer;
        emit RendererChanged(address(newRenderer));
    }

    // ---------------------------------------------------------------- verification

    /// @notice Everything a verifier shows about a certificate, computed now. Status `NotFound` if none.
    function verifyCertificate(uint256 tokenId) public view returns (CertificateView memory view_) {
        RecordSlot record = _records[tokenId];
        view_.tokenId = tokenId;
        if (record.holder() == address(0)) return view_;
        TermsSlot terms = _terms[tokenId];
        view_.status = _status(record, terms);
        view_.revocationReason = record.reason();
        view_.underObjection = record.state() == CertState.Objected && record.reason() == RevocationReason.None;
        view_.holder = record.holder();
        view_.bodyId = record.bodyId();
        view_.bodyAccredited = isAccredited(record.bodyId());
        view_.level = record.level();
        view_.issuedAt = record.issuedAt();
        view_.validFrom = record.issuedAt() + terms.noticePeriod();
        view_.validUntil = terms.validUntil();
        view_.rulebookId = record.rulebookId();
        view_.rulebookHash = _rulebookHash(record.rulebookId());
        view_.resultRoot = _rootOf(tokenId, terms);
        view_.predecessor = _predecessorOf[tokenId];
        view_.successor = _successorOf[tokenId];
    }

    /// @notice The computed status of a certificate.
    function statusOf(uint256 tokenId) external view returns (CertificateStatus) {
        RecordSlot record = _records[tokenId];
        if (record.holder() == address(0)) return CertificateStatus.NotFound;
        return _status(record, _terms[tokenId]);
    }

    /**
     * @notice Whether `holder` has a certificate that is valid now, at `atLeastLevel` or better. Level 1 (一级) is
     * the highest, so `atLeastLevel = 2` accepts levels 1 and 2. For other contracts to gate on.
     */
    function holdsValidCertificate(address holder, uint8 atLeastLevel) external view returns (bool) {
        uint256[] memory tokenIds = certificatesOf(holder);
        for (uint256 i; i < tokenIds.length; ++i) {
            RecordSlot record = _records[tokenIds[i]];
            if (record.level() <= atLeastLevel && _status(record, _terms[tokenIds[i]]) == CertificateStatus.Valid) {
                return true;
            }
        }
        return false;
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

    /// @notice The certificate number that a `resultRoot` issues as.
    function certificateNumberOf(bytes32 resultRoot) public pure returns (uint256) {
        return uint256(resultRoot) >> 192;
    }

    /// @notice Whether a `resultRoot` has been used (issued, re-issued or renewed with).
    function isResultRootUsed(bytes32 resultRoot) external view returns (bool) {
        return _records[certificateNumberOf(resultRoot)].isUsed();
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
    function supportsInterface(bytes4 interfaceId) public view override(AccessControl, IERC165) returns (bool) {
        return interfaceId == type(IERC721).interfaceId || interfaceId == type(IERC721Metadata).interfaceId
            || interfaceId == type(IERC5192).interfaceId || super.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------- internal

    function _issue(SigningKey memory key, Issuance calldata issuance) private returns (uint256 tokenId) {
        address holder = issuance.holder;
        if (holder == address(0)) revert InvalidHolder();
        uint8 level = issuance.level;
        if (level == 0 || level > MAX_LEVEL || (key.scope >> (level - 1)) & 1 == 0) {
            revert LevelOutOfScope(key.bodyId, level);
        }
        uint40 validFrom = uint40(block.timestamp) + key.noticePeriod;
        if (issuance.validUntil <= validFrom) revert InvalidValidity(issuance.validUntil, validFrom);
        tokenId = _claimRoot(issuance.resultRoot);
        _mint(
            tokenId,
            PackedRecord.pack(holder, uint40(block.timestamp), key.bodyId, issuance.rulebookId, level),
            PackedTerms.pack(issuance.resultRoot, issuance.validUntil, key.noticePeriod)
        );
        emit CertificateIssued(tokenId, key.bodyId, issuance.resultRoot, level, issuance.rulebookId, issuance.validUntil);
    }

    /// @dev Checks that a root was never used and returns the certificate number it maps to.
    function _claimRoot(bytes32 resultRoot) private view returns (uint256 tokenId) {
        if (resultRoot == bytes32(0)) revert InvalidResultRoot();
        tokenId = certificateNumberOf(resultRoot);
        RecordSlot existing = _records[tokenId];
        if (!existing.isUsed()) return tokenId;
        // Two roots share a number only by a 2^-64 accident or on purpose: say which. (A renewed certificate's
        // number still comes from its original root.)
        if (existing.holder() != address(0) && _terms[tokenId].resultRoot(tokenId) != resultRoot) {
            revert CertificateNumberTaken(tokenId);
        }
        revert ResultRootAlreadyUsed(resultRoot);
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
        _authorize(record, tokenId);
        _setRevoked(tokenId, record, reason, evidenceHash);
    }

    function _setRevoked(uint256 tokenId, RecordSlot record, RevocationReason reason, bytes32 evidenceHash) private {
        _records[tokenId] = record.withReason(reason);
        emit CertificateRevoked(tokenId, record.bodyId(), reason, evidenceHash);
    }

    function _checkRevocationReason(RevocationReason reason) private pure {
        if (reason == RevocationReason.None || reason == RevocationReason.Reissued) {
            revert InvalidRevocationReason(reason);
        }
    }

    /**
     * @dev The caller must be a current signing key of the issuing body, or the supervisor. A body's keys keep this
     * power while the body is suspended or past its term (it stays answerable for what it issued), but not once its
     * accreditation is revoked: then only the supervisor acts. Returns true for the supervisor.
     */
    function _authorize(RecordSlot record, uint256 tokenId) private view returns (bool bySupervisor) {
        uint16 bodyId = record.bodyId();
        (uint16 keyBody, bool bodyRevoked) = _keyBody(msg.sender);
        bool keyOfIssuer = keyBody == bodyId;
        if (keyOfIssuer && !bodyRevoked) return false;
        if (_isSupervisor(msg.sender)) return true;
        if (keyOfIssuer) revert BodyAccreditationIsRevoked(bodyId);
        revert NotIssuingBody(tokenId, bodyId);
    }

    function _requireRenewable(uint256 tokenId, RecordSlot record, SigningKey memory key) private view {
        if (record.bodyId() != key.bodyId) revert NotIssuingBody(tokenId, record.bodyId());
        if (record.state() != CertState.Active) revert InvalidCertificateState(tokenId, record.state());
        if (record.issuedAt() < _voidedBefore(key.bodyId)) revert CertificateIsVoided(tokenId);
        if ((key.scope >> (record.level() - 1)) & 1 == 0) revert LevelOutOfScope(key.bodyId, record.level());
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

    function _rootOf(uint256 tokenId, TermsSlot terms) private view returns (bytes32) {
        bytes32 renewed = _renewedRoot[tokenId];
        if (renewed != bytes32(0)) return renewed;
        return terms.resultRoot(tokenId);
    }

    function _status(RecordSlot record, TermsSlot terms) private view returns (CertificateStatus) {
        if (record.reason() != RevocationReason.None) return CertificateStatus.Revoked;
        if (record.issuedAt() < _voidedBefore(record.bodyId())) return CertificateStatus.Voided;
        CertState state = record.state();
        if (state == CertState.SuspendedByBody || state == CertState.SuspendedBySupervisor) {
            return CertificateStatus.Suspended;
        }
        // Expiry first: an objection left unresolved does not keep a certificate pending past its end of validity.
        if (block.timestamp >= terms.validUntil()) return CertificateStatus.Expired;
        if (state == CertState.Objected || block.timestamp < record.issuedAt() + terms.noticePeriod()) {
            return CertificateStatus.Pending;
        }
        return CertificateStatus.Valid;
    }
}
