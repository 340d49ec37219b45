// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {IBodyRegistry} from "../interfaces/IBodyRegistry.sol";
import {ICQOCertificate} from "../interfaces/ICQOCertificate.sol";
import {BodyStatus, RevocationReason, CertificateStatus, ReviewResult} from "../CertificateTypes.sol";
import {Registry, BodyAdministration} from "./BodyAdministration.sol";
import {Moment} from "../ChainClock.sol";
import {Ledger, Renewal, CertificateRules} from "./CertificateLedger.sol";
import {RecordSlot, TermsSlot, HoldingsSlot, PackedRecord, PackedTerms, CertFlags} from "./PackedCertificate.sol";
import {SignatureRules} from "./SignatureRules.sol";

/**
 * @title CertificateAdministration
 * @notice A certificate's rarely used writes: lifting a suspension, objections during the public notice, renewal,
 * re-issue, annual review and the holder's choice of a primary certificate. An external library the
 * certificate contract delegates to (they run a few times in a certificate's life, so they pay for a delegate
 * call), which keeps the contract under the 24,576-byte limit of EIP-170. Each function is documented where the
 * contract exposes it ({CQOCertificate}); the caller there is `msg.sender` here too, since a library runs in the
 * contract's context.
 */
library CertificateAdministration {
    using CertificateRules for Moment;

    /// @dev What a new wallet signs to accept a re-issued certificate (EIP-712).
    bytes32 internal constant REISSUE_CONSENT_TYPEHASH =
        keccak256("ReissueConsent(uint256 tokenId,address newHolder,bytes32 newResultRoot,uint40 deadline)");

    /// @notice See {CQOCertificate-fileObjection}.
    function fileObjection(Ledger storage ledger, Registry storage r, uint64 tokenId, bytes32 evidenceHash) external {
        Moment memory m = CertificateRules.momentOf(ledger);
        RecordSlot record = CertificateRules.existingUnrevoked(ledger, tokenId);
        if (record.has(CertFlags.OBJECTED)) revert ICQOCertificate.ObjectionPending(tokenId);
        uint40 validFrom = m.validFrom(record, ledger.terms[tokenId]);
        if (m.now >= validFrom) revert ICQOCertificate.NoticePeriodOver(tokenId, validFrom);
        // The keys of an active issuing body relay the public's signed objections (its workbench pays their gas
        // and bounds them per filer), and could suspend their own certificate anyway: the once-per-result rule is
        // for everyone else, a suspended or revoked body's keys included.
        uint16 bodyId = CertificateRules.bodyOf(tokenId);
        if (r.bodyOfKey[msg.sender] != bodyId || r.bodies[bodyId].status != BodyStatus.Active) {
            bytes32 filed = keccak256(abi.encode(tokenId, msg.sender, record.evaluatedAt()));
            if (ledger.objectionFiled[filed]) revert ICQOCertificate.ObjectionAlreadyFiled(tokenId, msg.sender);
            ledger.objectionFiled[filed] = true;
        }
        ledger.records[tokenId] = record.withFlag(CertFlags.OBJECTED, true, m.blockOffset());
        emit ICQOCertificate.ObjectionFiled(tokenId, bodyId, msg.sender, evidenceHash, m.lastEventBlock(record));
    }

    /// @notice See {CQOCertificate-resolveObjection}.
    function resolveObjection(
        Ledger storage ledger,
        Registry storage r,
        bool callerIsSupervisor,
        uint64 tokenId,
        bool upheld,
        RevocationReason reason,
        bytes32 evidenceHash
    ) external {
        Moment memory m = CertificateRules.momentOf(ledger);
        RecordSlot record = CertificateRules.existingUnrevoked(ledger, tokenId);
        uint16 bodyId = CertificateRules.bodyOf(tokenId);
        bool bySupervisor = _authorize(r, m, tokenId, !upheld, callerIsSupervisor);
        if (!record.has(CertFlags.OBJECTED)) revert ICQOCertificate.NoObjectionPending(tokenId);
        uint40 previous = m.lastEventBlock(record);
        RecordSlot resolved = record.withFlag(CertFlags.OBJECTED, false, m.blockOffset());
        emit ICQOCertificate.ObjectionResolved(tokenId, bodyId, upheld, evidenceHash, msg.sender, bySupervisor, previous);
        if (upheld) {
            _requireGivableReason(reason);
            ledger.records[tokenId] = resolved.withReason(reason, m.blockOffset());
            emit ICQOCertificate.CertificateRevoked(
                tokenId, bodyId, reason, evidenceHash, msg.sender, bySupervisor, previous
            );
        } else {
            ledger.records[tokenId] = resolved;
        }
    }

    /// @notice See {CQOCertificate-renewCertificate}.
    function renewCertificate(
        Ledger storage ledger,
        Registry storage r,
        uint64 tokenId,
        bytes32 newResultRoot,
        uint16 rulebookId,
        uint40 newValidUntil
    ) external {
        Moment memory m = CertificateRules.momentOf(ledger);
        (uint16 bodyId, IBodyRegistry.Body memory body) = BodyAdministration.issuingKey(r, msg.sender, m.now);
        RecordSlot record = CertificateRules.existingUnrevoked(ledger, tokenId);
        TermsSlot terms = ledger.terms[tokenId];
        _requireInGoodStanding(ledger, r, m, tokenId, record, bodyId, body);
        BodyAdministration.requireActiveRulebook(r, rulebookId);
        uint40 validFrom = m.now + body.noticePeriod;
        if (newValidUntil <= validFrom) revert ICQOCertificate.InvalidValidity(newValidUntil, validFrom);
        uint32 until = m.toOffset(newValidUntil);
        // The new root is claimed like an issued one, so no certificate can later be issued with it.
        uint256 rootNumber = CertificateRules.claimRoot(ledger, bodyId, newResultRoot);
        ledger.records[rootNumber] = PackedRecord.renewalRoot();
        ledger.terms[rootNumber] = PackedTerms.packRenewalRoot(newResultRoot, tokenId);
        Renewal storage renewal = ledger.renewals[tokenId];
        if (renewal.firstIssuedAt == 0) renewal.firstIssuedAt = m.fromOffset(record.evaluatedAt());
        renewal.previousValidUntil = m.fromOffset(terms.validUntil());
        ledger.records[tokenId] = record.withResult(m.nowOffset(), rulebookId, m.blockOffset());
        ledger.terms[tokenId] = terms.withDates(until, body.noticePeriod);
        ledger.renewedRoot[tokenId] = newResultRoot;
        emit ICQOCertificate.CertificateRenewed(
            tokenId, bodyId, newResultRoot, rulebookId, validFrom, newValidUntil, msg.sender, m.lastEventBlock(record)
        );
    }

    /// @notice See {CQOCertificate-reissueCertificate}; `domainSeparator` is the contract's EIP-712 domain.
    function reissueCertificate(
        Ledger storage ledger,
        Registry storage r,
        bytes32 domainSeparator,
        uint64 tokenId,
        address newHolder,
        bytes32 newResultRoot,
        uint40 consentDeadline,
        bytes calldata holderConsent
    ) external returns (uint256 newTokenId) {
        Moment memory m = CertificateRules.momentOf(ledger);
        (uint16 bodyId, IBodyRegistry.Body memory body) = BodyAdministration.issuingKey(r, msg.sender, m.now);
        RecordSlot record = CertificateRules.existingUnrevoked(ledger, tokenId);
        TermsSlot terms = ledger.terms[tokenId];
        _requireInGoodStanding(ledger, r, m, tokenId, record, bodyId, body);
        if (newHolder == address(0) || newHolder == record.holder()) revert ICQOCertificate.InvalidHolder();
        if (m.now > consentDeadline) revert ICQOCertificate.ConsentExpired(consentDeadline);
        bytes32 consentDigest = MessageHashUtils.toTypedDataHash(
            domainSeparator,
            keccak256(abi.encode(REISSUE_CONSENT_TYPEHASH, tokenId, newHolder, newResultRoot, consentDeadline))
        );
        if (!SignatureRules.isValidSignature(newHolder, consentDigest, holderConsent)) {
            revert IBodyRegistry.InvalidSignature(newHolder);
        }
        uint40 validUntil = m.fromOffset(terms.validUntil());
        uint40 validFrom = m.now + body.noticePeriod;
        if (validUntil <= validFrom) revert ICQOCertificate.InvalidValidity(validUntil, validFrom);

        newTokenId = CertificateRules.claimRoot(ledger, bodyId, newResultRoot);
        uint32 here = m.blockOffset();
        uint40 previous = m.lastEventBlock(record);
        ledger.records[tokenId] = record.withReason(RevocationReason.Reissued, here);
        emit ICQOCertificate.CertificateRevoked(
            tokenId, bodyId, RevocationReason.Reissued, bytes32(0), msg.sender, false, previous
        );
        CertificateRules.mint(
            ledger,
            newTokenId,
            PackedRecord.pack(newHolder, m.nowOffset(), record.rulebookId(), record.level(), here),
            PackedTerms.pack(newResultRoot, terms.validUntil(), body.noticePeriod)
        );
        uint40 firstIssuedAt = ledger.renewals[tokenId].firstIssuedAt;
        ledger.renewals[newTokenId].firstIssuedAt = firstIssuedAt != 0 ? firstIssuedAt : m.fromOffset(record.evaluatedAt());
        ledger.predecessorOf[newTokenId] = tokenId;
        ledger.successorOf[tokenId] = newTokenId;
        emit ICQOCertificate.CertificateReissued(
            tokenId, newTokenId, bodyId, newHolder, newResultRoot, msg.sender, previous
        );
    }

    /// @notice See {CQOCertificate-recordReview}.
    function recordReview(
        Ledger storage ledger,
        Registry storage r,
        uint64 tokenId,
        ReviewResult result,
        bytes32 evidenceHash
    ) external {
        Moment memory m = CertificateRules.momentOf(ledger);
        RecordSlot record = CertificateRules.existingUnrevoked(ledger, tokenId);
        uint16 bodyId = CertificateRules.bodyOf(tokenId);
        if (!CertificateRules.actsForBody(r, bodyId, msg.sender, result == ReviewResult.Passed, m.now)) {
            revert ICQOCertificate.NotIssuingBody(tokenId, bodyId);
        }
        TermsSlot terms = ledger.terms[tokenId];
        (uint40 due, uint32 interval,) = CertificateRules.nextReviewDue(r, m, record, terms);
        if (due == 0) revert ICQOCertificate.NoReviewDue(tokenId);
        // A review is for its period: recorded from a quarter interval before its due date (three months of a
        // year) on, late too, so that two reviews are never more than an interval and a quarter apart.
        uint40 opensAt = due - interval / 4;
        if (m.now < opensAt) revert ICQOCertificate.ReviewNotYetOpen(tokenId, opensAt);
        uint32 here = m.blockOffset();
        uint40 previous = m.lastEventBlock(record);
        if (result == ReviewResult.Passed) {
            RecordSlot reviewed = record.withReviewPassed(here);
            ledger.records[tokenId] = reviewed;
            (due,,) = CertificateRules.nextReviewDue(r, m, reviewed, terms);
            emit ICQOCertificate.AnnualReviewRecorded(tokenId, bodyId, result, evidenceHash, due, msg.sender, previous);
        } else if (result == ReviewResult.FailedSuspended) {
            ledger.records[tokenId] = record.withFlag(CertFlags.SUSPENDED_BY_BODY, true, here);
            emit ICQOCertificate.AnnualReviewRecorded(tokenId, bodyId, result, evidenceHash, due, msg.sender, previous);
            if (!record.has(CertFlags.SUSPENDED_BY_BODY)) {
                emit ICQOCertificate.CertificateSuspended(tokenId, bodyId, evidenceHash, msg.sender, false, previous);
            }
        } else {
            ledger.records[tokenId] = record.withReason(RevocationReason.FailedReview, here);
            emit ICQOCertificate.AnnualReviewRecorded(tokenId, bodyId, result, evidenceHash, 0, msg.sender, previous);
            emit ICQOCertificate.CertificateRevoked(
                tokenId, bodyId, RevocationReason.FailedReview, evidenceHash, msg.sender, false, previous
            );
        }
    }

    /// @notice See {CQOCertificate-reinstateCertificate}.
    function reinstateCertificate(
        Ledger storage ledger,
        Registry storage r,
        bool callerIsSupervisor,
        uint64 tokenId
    ) external {
        Moment memory m = CertificateRules.momentOf(ledger);
        RecordSlot record = CertificateRules.existingUnrevoked(ledger, tokenId);
        uint16 bodyId = CertificateRules.bodyOf(tokenId);
        bool bySupervisor = _authorize(r, m, tokenId, true, callerIsSupervisor);
        uint8 flag = bySupervisor ? CertFlags.SUSPENDED_BY_SUPERVISOR : CertFlags.SUSPENDED_BY_BODY;
        // A body whose accreditation is revoked can no longer lift its suspensions: the supervisor takes them over.
        if (bySupervisor && !record.has(flag) && r.bodies[bodyId].status == BodyStatus.Revoked) {
            flag = CertFlags.SUSPENDED_BY_BODY;
        }
        if (!record.has(flag)) {
            if (record.has(CertFlags.SUSPENDED_BY_SUPERVISOR)) revert ICQOCertificate.SuspendedBySupervisor(tokenId);
            revert ICQOCertificate.CertificateNotSuspended(tokenId, bySupervisor);
        }
        ledger.records[tokenId] = record.withFlag(flag, false, m.blockOffset());
        emit ICQOCertificate.CertificateReinstated(tokenId, bodyId, msg.sender, bySupervisor, m.lastEventBlock(record));
    }

    /// @notice See {CQOCertificate-choosePrimaryCertificate}.
    function choosePrimaryCertificate(Ledger storage ledger, uint16 index) external {
        HoldingsSlot holdings = ledger.holdings[msg.sender];
        if (index >= holdings.count()) revert ICQOCertificate.NoSuchHolding(msg.sender, index);
        ledger.holdings[msg.sender] = holdings.withPrimary(index);
        emit ICQOCertificate.PrimaryCertificateChosen(
            msg.sender, CertificateRules.holdingAt(ledger, msg.sender, holdings, index)
        );
    }

    /// @dev `Reissued` and `FailedReview` belong to the re-issue and the review, and a revocation needs a reason.
    function _requireGivableReason(RevocationReason reason) private pure {
        if (
            reason == RevocationReason.None || reason == RevocationReason.Reissued
                || reason == RevocationReason.FailedReview
        ) {
            revert ICQOCertificate.InvalidRevocationReason(reason);
        }
    }

    /// @dev The issuing body's key (see {CertificateRules-actsForBody}), or the supervisor: true for the supervisor.
    function _authorize(Registry storage r, Moment memory m, uint256 tokenId, bool restores, bool callerIsSupervisor)
        private
        view
        returns (bool bySupervisor)
    {
        uint16 bodyId = CertificateRules.bodyOf(tokenId);
        if (CertificateRules.actsForBody(r, bodyId, msg.sender, restores, m.now)) return false;
        if (callerIsSupervisor) return true;
        revert ICQOCertificate.NotIssuingBody(tokenId, bodyId);
    }

    /// @dev What renewal and re-issue need: the caller's body issued it, it carries no flag, is not voided, its
    /// notice is over, its level is still in the body's scope and its annual review is not overdue.
    function _requireInGoodStanding(
        Ledger storage ledger,
        Registry storage r,
        Moment memory m,
        uint256 tokenId,
        RecordSlot record,
        uint16 bodyId,
        IBodyRegistry.Body memory body
    ) private view {
        uint16 issuer = CertificateRules.bodyOf(tokenId);
        if (issuer != bodyId) revert ICQOCertificate.NotIssuingBody(tokenId, issuer);
        CertificateStatus status = CertificateRules.status(ledger, r, m, tokenId, record);
        if (record.flags() != 0) revert ICQOCertificate.NotInGoodStanding(tokenId, status);
        if (status == CertificateStatus.Voided) revert ICQOCertificate.CertificateIsVoided(tokenId);
        uint40 validFrom = m.validFrom(record, ledger.terms[tokenId]);
        if (m.now < validFrom) revert ICQOCertificate.InPublicNotice(tokenId, validFrom);
        uint8 level = record.level();
        if ((body.scope >> (level - 1)) & 1 == 0) revert ICQOCertificate.LevelOutOfScope(bodyId, level);
        if (status == CertificateStatus.ReviewOverdue) revert ICQOCertificate.NotInGoodStanding(tokenId, status);
    }
}
