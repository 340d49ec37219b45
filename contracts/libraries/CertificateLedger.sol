// SPDX-License-Identifier: MIT
// solhint-disable one-contract-per-file
// (the certificates' storage and the rules that read it belong together)
pragma solidity 0.8.26;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC5192} from "../interfaces/IERC5192.sol";
import {IBodyRegistry} from "../interfaces/IBodyRegistry.sol";
import {ICQOCertificate} from "../interfaces/ICQOCertificate.sol";
import {ChainClock, Moment} from "../ChainClock.sol";
import {BodyStatus, RevocationReason, CertificateStatus} from "../CertificateTypes.sol";
import {Registry, BodyAdministration} from "./BodyAdministration.sol";
import {RecordSlot, TermsSlot, HoldingsSlot, PackedRecord, PackedTerms, CertFlags} from "./PackedCertificate.sol";

/// @dev The dates of a certificate that was renewed or re-issued: its first issuance, and the end of the result a
/// renewal replaced, which stays in force during the renewal's notice. One slot, written by those two acts only.
struct Renewal {
    uint40 firstIssuedAt;
    uint40 previousValidUntil;
}

/// @notice Every certificate's storage, in one struct so that the contract and {CertificateAdministration} (its
/// external library of rarely used writes) share it.
struct Ledger {
    mapping(uint256 tokenId => RecordSlot) records;
    mapping(uint256 tokenId => TermsSlot) terms;
    mapping(uint256 tokenId => bytes32) renewedRoot;
    mapping(uint256 tokenId => Renewal) renewals;
    mapping(uint256 tokenId => uint256) predecessorOf;
    mapping(uint256 tokenId => uint256) successorOf;
    mapping(address holder => HoldingsSlot) holdings;
    mapping(address holder => mapping(uint256 index => uint256 tokenId)) moreCertificates;
    /// @dev Objections filed, by certificate, filer and result: one each, so that no one keeps a result pending by
    /// filing again after each dismissal.
    mapping(bytes32 tokenFilerResult => bool) objectionFiled;
    /// @dev The contract's clock (see {ChainClock}), written once at deployment: the library cannot read the
    /// contract's immutables, and reading one slot costs its rare writes less than the contract's code would.
    ClockSettings clock;
}

/// @notice How {ChainClock} reads the chain's clock: its unit, the epoch of stored dates and the deployment block.
struct ClockSettings {
    uint16 unit;
    uint40 epoch;
    uint40 genesisBlock;
}

/**
 * @title CertificateRules
 * @notice The rules that both the certificate contract and its library apply: a certificate's status, its review
 * schedule, who may act on it, and how numbers and holdings are kept. Internal functions only: each bytecode that
 * uses one carries its own copy, so the rules are written once.
 */
library CertificateRules {
    /// @dev The body that issued a certificate: the top byte of its number.
    function bodyOf(uint256 tokenId) internal pure returns (uint16) {
        return uint16(uint8(tokenId >> 56));
    }

    /// @dev The certificate number of a body's root: never 0 (body ids run from 1 to `MAX_BODIES`).
    function numberOf(uint16 bodyId, bytes32 resultRoot) internal pure returns (uint256) {
        if (bodyId == 0 || bodyId > BodyAdministration.MAX_BODIES) revert IBodyRegistry.BodyNotFound(bodyId);
        return (uint256(bodyId) << 56) | (uint256(resultRoot) >> 200);
    }

    function existing(Ledger storage ledger, uint256 tokenId) internal view returns (RecordSlot record) {
        record = ledger.records[tokenId];
        if (record.holder() == address(0)) revert ICQOCertificate.CertificateNotFound(tokenId);
    }

    /// @dev A certificate is revoked exactly when it has a revocation reason.
    function existingUnrevoked(Ledger storage ledger, uint256 tokenId) internal view returns (RecordSlot record) {
        record = existing(ledger, tokenId);
        if (record.reason() != RevocationReason.None) {
            revert ICQOCertificate.CertificateAlreadyRevoked(tokenId, record.reason());
        }
    }

    /**
     * @dev Whether `account` acts as a key of the certificate's issuing body. Its keys keep the power to suspend and
     * revoke while the body is suspended or past its term (it stays answerable for what it issued), but what
     * restores a certificate (`restores`: lifting a suspension, dismissing an objection, passing a review) needs a
     * body in good standing; once its accreditation is revoked, its keys do nothing. False for anyone else: the
     * caller then decides whether the supervisor may act.
     */
    function actsForBody(Registry storage r, uint16 bodyId, address account, bool restores, uint40 now_)
        internal
        view
        returns (bool)
    {
        if (r.bodyOfKey[account] != bodyId) return false;
        IBodyRegistry.Body storage body = r.bodies[bodyId];
        (BodyStatus status, uint40 accreditedUntil) = (body.status, body.accreditedUntil);
        if (status == BodyStatus.Revoked) revert IBodyRegistry.BodyAccreditationIsRevoked(bodyId);
        if (restores) BodyAdministration.requireAccredited(bodyId, status, accreditedUntil, now_);
        return true;
    }

    function status(Ledger storage ledger, Registry storage r, Moment memory m, uint256 tokenId, RecordSlot record)
        internal
        view
        returns (CertificateStatus)
    {
        if (record.reason() != RevocationReason.None) return CertificateStatus.Revoked;
        uint40 evaluatedAt = fromOffset(m, record.evaluatedAt());
        if (evaluatedAt < r.profiles[bodyOf(tokenId)].voidedBefore) return CertificateStatus.Voided;
        if (record.has(CertFlags.SUSPENDED)) return CertificateStatus.Suspended;
        TermsSlot terms = ledger.terms[tokenId];
        // Expiry first: an objection left unresolved does not keep a certificate pending past its end of validity.
        if (m.now >= fromOffset(m, terms.validUntil())) return CertificateStatus.Expired;
        if (record.has(CertFlags.OBJECTED)) return CertificateStatus.Pending;
        if (m.now < evaluatedAt + terms.noticePeriod()) {
            // A renewal in notice: the result it replaces stays in force until its own end.
            return m.now < ledger.renewals[tokenId].previousValidUntil ? CertificateStatus.Valid : CertificateStatus.Pending;
        }
        (uint40 due,, uint32 grace) = nextReviewDue(r, m, record, terms);
        if (due != 0 && m.now >= uint256(due) + grace) return CertificateStatus.ReviewOverdue;
        return CertificateStatus.Valid;
    }

    /**
     * @dev When the current result's next annual review falls due: `reviews + 1` intervals of its rulebook after
     * the end of its notice. 0 when the rulebook has no reviews, the result has counted all it can, or the date
     * falls at or after the end of validity (the re-evaluation at the end takes that review's place).
     */
    function nextReviewDue(Registry storage r, Moment memory m, RecordSlot record, TermsSlot terms)
        internal
        view
        returns (uint40 due, uint32 interval, uint32 grace)
    {
        IBodyRegistry.Rulebook storage rulebook = r.rulebooks[record.rulebookId()];
        (interval, grace) = (rulebook.reviewInterval, rulebook.reviewGrace);
        uint8 reviews = record.reviews();
        if (interval == 0 || reviews == PackedRecord.MAX_REVIEWS) return (0, interval, grace);
        uint256 at = uint256(validFrom(m, record, terms)) + uint256(interval) * (reviews + 1);
        if (at < fromOffset(m, terms.validUntil())) due = uint40(at);
    }

    /// @dev The end of the current result's public notice.
    function validFrom(Moment memory m, RecordSlot record, TermsSlot terms) internal pure returns (uint40) {
        return fromOffset(m, record.evaluatedAt()) + terms.noticePeriod();
    }

    /// @dev Checks that the body never used a root and returns the certificate number it maps to.
    function claimRoot(Ledger storage ledger, uint16 bodyId, bytes32 resultRoot) internal view returns (uint256 tokenId) {
        if (resultRoot == bytes32(0)) revert ICQOCertificate.InvalidResultRoot();
        tokenId = numberOf(bodyId, resultRoot);
        RecordSlot used = ledger.records[tokenId];
        if (!used.isUsed()) return tokenId;
        TermsSlot terms = ledger.terms[tokenId];
        // Two of a body's roots share a number only by a 2^-56 accident or on purpose: say which.
        if (!sameRoot(terms, resultRoot)) revert ICQOCertificate.CertificateNumberTaken(tokenId);
        if (used.has(CertFlags.RENEWAL_ROOT)) {
            revert ICQOCertificate.ResultRootUsedByRenewal(resultRoot, (tokenId >> 56 << 56) | terms.renewedLow());
        }
        revert ICQOCertificate.ResultRootAlreadyUsed(resultRoot);
    }

    function sameRoot(TermsSlot terms, bytes32 resultRoot) internal pure returns (bool) {
        return PackedTerms.tail(bytes32(TermsSlot.unwrap(terms))) == PackedTerms.tail(resultRoot);
    }

    function mint(Ledger storage ledger, uint256 tokenId, RecordSlot record, TermsSlot terms) internal {
        address holder = record.holder();
        ledger.records[tokenId] = record;
        ledger.terms[tokenId] = terms;
        HoldingsSlot holdings = ledger.holdings[holder];
        uint16 index = holdings.count();
        if (index >= 3) ledger.moreCertificates[holder][index] = tokenId;
        ledger.holdings[holder] = holdings.withAdded(uint64(tokenId));
        emit IERC721.Transfer(address(0), holder, tokenId);
        emit IERC5192.Locked(tokenId);
    }

    function holdingAt(Ledger storage ledger, address holder, HoldingsSlot holdings, uint256 index)
        internal
        view
        returns (uint256)
    {
        return index < 3 ? holdings.inlineAt(index) : ledger.moreCertificates[holder][index];
    }

    /// @dev The clock now, from the settings the contract stored at deployment.
    function momentOf(Ledger storage ledger) internal view returns (Moment memory) {
        ClockSettings storage clock = ledger.clock;
        (uint16 unit, uint40 epoch, uint40 genesisBlock) = (clock.unit, clock.epoch, clock.genesisBlock);
        return Moment({now: uint40(block.timestamp / unit), epoch: epoch, genesisBlock: genesisBlock});
    }

    /// @dev A stored date, in unix seconds.
    function fromOffset(Moment memory m, uint32 offset) internal pure returns (uint40) {
        return m.epoch + offset;
    }

    /// @dev A date to store; reverts outside the epoch's range.
    function toOffset(Moment memory m, uint40 date) internal pure returns (uint32) {
        if (date < m.epoch || date - m.epoch > type(uint32).max) revert ChainClock.DateOutOfRange(date);
        return uint32(date - m.epoch);
    }

    /// @dev Now, as a stored date.
    function nowOffset(Moment memory m) internal pure returns (uint32) {
        return uint32(m.now - m.epoch);
    }

    /// @dev This block, as a stored block number (checked: past 2^32 blocks the contract stops writing).
    function blockOffset(Moment memory m) internal view returns (uint32) {
        uint256 offset = block.number - m.genesisBlock;
        if (offset > type(uint32).max) revert ChainClock.DateOutOfRange(uint40(block.number));
        return uint32(offset);
    }

    /// @dev The block of the certificate's latest event, as the chain numbers it.
    function lastEventBlock(Moment memory m, RecordSlot record) internal pure returns (uint40) {
        return m.genesisBlock + record.lastBlock();
    }
}
