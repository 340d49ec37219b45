// SPDX-License-Identifier: MIT
// solhint-disable one-contract-per-file
// (the slot layouts of one certificate belong together)
pragma solidity 0.8.26;

import {RevocationReason} from "../CertificateTypes.sol";

// A certificate's storage, packed by hand. The compiler writes a storage struct field by field (a read and a write
// per field); these slots are written on every issuance and every status change, so each is built in a register
// and written once. Two slots hold everything, so dates are kept as 32-bit offsets from the contract's epoch (its
// deployment: 136 years of room) and blocks as 32-bit offsets from its deployment block. Bit layouts, low first:
//
//   RecordSlot    holder 160 | evaluatedAt 32 | rulebookId 16 | level 4 | reason 4 | flags 4 | reviews 4 | lastBlock 32
//   TermsSlot     rootTail 200 | validUntil 32 | noticePeriod 24
//   HoldingsSlot  count 16 | first 64 | second 64 | third 64 | primary 16   (later certificates live elsewhere)
//
// A certificate's number is its body id (8 bits) followed by the first 56 bits of its result root, so the
// record keeps the root's other 200 bits. The record is rewritten on every status change, and carries the block
// of the certificate's latest event: each event names the block of the one before (ERC-1056), so a client walks
// a certificate's history back one block at a time, whatever the chain's length.

/// @notice Slot one of a certificate: holder, current result (time, rulebook), level, status, annual reviews passed
/// since that result, and latest event.
type RecordSlot is uint256;

/// @notice Slot two of a certificate: the 200 low bits of its first result root and the current result's dates.
type TermsSlot is uint256;

/// @notice A holder's certificate count and the numbers of their first three certificates.
type HoldingsSlot is uint256;

/// @notice A wallet holds the most certificates a 16-bit count allows.
error HoldingsFull();

using PackedRecord for RecordSlot global;
using PackedTerms for TermsSlot global;
using PackedHoldings for HoldingsSlot global;

/// @dev The four status flags of a record. Suspensions by the body and by the supervisor are separate flags: one
/// never lifts the other.
library CertFlags {
    uint8 internal constant OBJECTED = 1;
    uint8 internal constant SUSPENDED_BY_BODY = 2;
    uint8 internal constant SUSPENDED_BY_SUPERVISOR = 4;
    uint8 internal constant SUSPENDED = SUSPENDED_BY_BODY | SUSPENDED_BY_SUPERVISOR;
    /// @dev A result root used by a renewal: the slot holds no certificate, only the claim on the root.
    uint8 internal constant RENEWAL_ROOT = 8;
}

library PackedRecord {
    uint256 private constant _EVALUATED_AT = 160;
    uint256 private constant _RULEBOOK_ID = 192;
    uint256 private constant _LEVEL = 208;
    uint256 private constant _REASON = 212;
    uint256 private constant _FLAGS = 216;
    uint256 private constant _REVIEWS = 220;
    uint256 private constant _LAST_BLOCK = 224;

    /// @dev The most annual reviews one result can count (four bits): 15 years at a 12-month interval.
    uint8 internal constant MAX_REVIEWS = 15;

    /// @dev A new certificate: no flags, not revoked.
    function pack(address holder_, uint32 evaluatedAt_, uint16 rulebookId_, uint8 level_, uint32 block_)
        internal
        pure
        returns (RecordSlot)
    {
        return RecordSlot.wrap(
            uint256(uint160(holder_)) | (uint256(evaluatedAt_) << _EVALUATED_AT)
                | (uint256(rulebookId_) << _RULEBOOK_ID) | (uint256(level_) << _LEVEL)
                | (uint256(block_) << _LAST_BLOCK)
        );
    }

    /// @dev Marks a result root as claimed by a renewal: no holder, so never a certificate.
    function renewalRoot() internal pure returns (RecordSlot) {
        return RecordSlot.wrap(uint256(CertFlags.RENEWAL_ROOT) << _FLAGS);
    }

    function isUsed(RecordSlot r) internal pure returns (bool) {
        return RecordSlot.unwrap(r) != 0;
    }

    function holder(RecordSlot r) internal pure returns (address) {
        return address(uint160(RecordSlot.unwrap(r)));
    }

    function evaluatedAt(RecordSlot r) internal pure returns (uint32) {
        return uint32(RecordSlot.unwrap(r) >> _EVALUATED_AT);
    }

    function rulebookId(RecordSlot r) internal pure returns (uint16) {
        return uint16(RecordSlot.unwrap(r) >> _RULEBOOK_ID);
    }

    function level(RecordSlot r) internal pure returns (uint8) {
        return uint8(RecordSlot.unwrap(r) >> _LEVEL) & 0xf;
    }

    function reason(RecordSlot r) internal pure returns (RevocationReason) {
        return RevocationReason(uint8(RecordSlot.unwrap(r) >> _REASON) & 0xf);
    }

    function flags(RecordSlot r) internal pure returns (uint8) {
        return uint8(RecordSlot.unwrap(r) >> _FLAGS) & 0xf;
    }

    function has(RecordSlot r, uint8 flag) internal pure returns (bool) {
        return flags(r) & flag != 0;
    }

    /// @dev The annual reviews passed since the current result (issuance, re-issue or renewal).
    function reviews(RecordSlot r) internal pure returns (uint8) {
        return uint8(RecordSlot.unwrap(r) >> _REVIEWS) & 0xf;
    }

    function lastBlock(RecordSlot r) internal pure returns (uint32) {
        return uint32(RecordSlot.unwrap(r) >> _LAST_BLOCK);
    }

    /// @dev The record with `flag` set (or cleared) and `block_` as the block of its latest event.
    function withFlag(RecordSlot r, uint8 flag, bool on, uint32 block_) internal pure returns (RecordSlot) {
        uint256 word = RecordSlot.unwrap(r);
        word = on ? word | (uint256(flag) << _FLAGS) : word & ~(uint256(flag) << _FLAGS);
        return RecordSlot.wrap(_set(word, _LAST_BLOCK, 0xffffffff, block_));
    }

    function withReason(RecordSlot r, RevocationReason reason_, uint32 block_) internal pure returns (RecordSlot) {
        uint256 word = _set(RecordSlot.unwrap(r), _REASON, 0xf, uint8(reason_));
        return RecordSlot.wrap(_set(word, _LAST_BLOCK, 0xffffffff, block_));
    }

    /// @dev One more annual review passed.
    function withReviewPassed(RecordSlot r, uint32 block_) internal pure returns (RecordSlot) {
        return RecordSlot.wrap(_set(RecordSlot.unwrap(r) + (uint256(1) << _REVIEWS), _LAST_BLOCK, 0xffffffff, block_));
    }

    /// @dev A new result (renewal): its time and rulebook; its review schedule starts again.
    function withResult(RecordSlot r, uint32 evaluatedAt_, uint16 rulebookId_, uint32 block_)
        internal
        pure
        returns (RecordSlot)
    {
        uint256 word = _set(RecordSlot.unwrap(r), _EVALUATED_AT, 0xffffffff, evaluatedAt_);
        word = _set(word, _RULEBOOK_ID, 0xffff, rulebookId_);
        word = _set(word, _REVIEWS, 0xf, 0);
        return RecordSlot.wrap(_set(word, _LAST_BLOCK, 0xffffffff, block_));
    }

    function _set(uint256 word, uint256 offset, uint256 mask, uint256 value) private pure returns (uint256) {
        return (word & ~(mask << offset)) | (value << offset);
    }
}

library PackedTerms {
    uint256 private constant _TAIL_BITS = 200;
    uint256 private constant _VALID_UNTIL = 200;
    uint256 private constant _NOTICE_PERIOD = 232;

    function pack(bytes32 root, uint32 validUntil_, uint24 noticePeriod_) internal pure returns (TermsSlot) {
        return TermsSlot.wrap(
            tail(root) | (uint256(validUntil_) << _VALID_UNTIL) | (uint256(noticePeriod_) << _NOTICE_PERIOD)
        );
    }

    /// @dev A renewal's root claim: its tail, and the low 56 bits of the number of the certificate it renewed.
    function packRenewalRoot(bytes32 root, uint256 renewedTokenId) internal pure returns (TermsSlot) {
        return TermsSlot.wrap(tail(root) | (uint256(uint56(renewedTokenId)) << _TAIL_BITS));
    }

    /// @dev The 200 bits of a root that its certificate number does not hold.
    function tail(bytes32 root) internal pure returns (uint256) {
        return uint256(root) & ((1 << _TAIL_BITS) - 1);
    }

    /// @dev The full result root, given the certificate number that holds its high 56 bits.
    function resultRoot(TermsSlot t, uint256 tokenId) internal pure returns (bytes32) {
        return bytes32((uint256(uint56(tokenId)) << _TAIL_BITS) | tail(bytes32(TermsSlot.unwrap(t))));
    }

    /// @dev For a renewal's root claim: the low 56 bits of the renewed certificate's number.
    function renewedLow(TermsSlot t) internal pure returns (uint56) {
        return uint56(TermsSlot.unwrap(t) >> _TAIL_BITS);
    }

    function validUntil(TermsSlot t) internal pure returns (uint32) {
        return uint32(TermsSlot.unwrap(t) >> _VALID_UNTIL);
    }

    function noticePeriod(TermsSlot t) internal pure returns (uint24) {
        return uint24(TermsSlot.unwrap(t) >> _NOTICE_PERIOD);
    }

    /// @dev A new result's dates (renewal); the root tail stays: it is part of the certificate's number.
    function withDates(TermsSlot t, uint32 validUntil_, uint24 noticePeriod_) internal pure returns (TermsSlot) {
        uint256 word = TermsSlot.unwrap(t) & ((1 << _TAIL_BITS) - 1);
        return TermsSlot.wrap(word | (uint256(validUntil_) << _VALID_UNTIL) | (uint256(noticePeriod_) << _NOTICE_PERIOD));
    }
}

library PackedHoldings {
    /// @dev How many certificate numbers the slot holds besides the count.
    uint256 internal constant INLINE = 3;
    uint256 private constant _PRIMARY = 208;

    function count(HoldingsSlot h) internal pure returns (uint16) {
        return uint16(HoldingsSlot.unwrap(h));
    }

    /// @dev The number of the holder's `index`-th certificate, for `index` < INLINE.
    function inlineAt(HoldingsSlot h, uint256 index) internal pure returns (uint64) {
        return uint64(HoldingsSlot.unwrap(h) >> (16 + 64 * index));
    }

    /// @dev The index of the certificate the holder named as their primary one, plus one (0: none named).
    function primary(HoldingsSlot h) internal pure returns (uint16) {
        return uint16(HoldingsSlot.unwrap(h) >> _PRIMARY);
    }

    /// @dev The holder's primary certificate is their `index`-th.
    function withPrimary(HoldingsSlot h, uint16 index) internal pure returns (HoldingsSlot) {
        uint256 word = HoldingsSlot.unwrap(h) & ~(uint256(0xffff) << _PRIMARY);
        return HoldingsSlot.wrap(word | ((uint256(index) + 1) << _PRIMARY));
    }

    /// @dev One more certificate; its number is kept inline while there is room (the caller stores it otherwise).
    function withAdded(HoldingsSlot h, uint64 tokenId) internal pure returns (HoldingsSlot) {
        uint256 word = HoldingsSlot.unwrap(h);
        uint256 index = uint16(word);
        if (index == type(uint16).max) revert HoldingsFull();
        if (index < INLINE) word |= uint256(tokenId) << (16 + 64 * index);
        return HoldingsSlot.wrap(word + 1); // the count is the low 16 bits
    }
}
