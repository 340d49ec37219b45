// SPDX-License-Identifier: MIT
// solhint-disable one-contract-per-file
// (the three slot layouts of one certificate belong together)
pragma solidity 0.8.26;

import {CertState, RevocationReason} from "../CertificateTypes.sol";

// A certificate's storage, packed by hand. The compiler writes a storage struct field by field (a read and a write
// per field); these slots are written on every issuance and every status change, so each is built in a register
// and written once. Bit layouts, low bits first:
//
//   RecordSlot    holder 160 | issuedAt 40 | bodyId 16 | rulebookId 16 | level 8 | state 8 | reason 8
//   TermsSlot     rootTail 192 | validUntil 40 | noticePeriod 24
//   HoldingsSlot  count 16 | first 64 | second 64 | third 64   (a holder's later certificates live elsewhere)

/// @notice Slot one of a certificate: who holds it, who issued it, when, at which level, and its state.
type RecordSlot is uint256;

/// @notice Slot two of a certificate: the 192 low bits of its result root (the high 64 bits are its number) and
/// its dates.
type TermsSlot is uint256;

/// @notice A holder's certificate count and the numbers of their first three certificates.
type HoldingsSlot is uint256;

/// @notice A wallet holds the most certificates a 16-bit count allows.
error HoldingsFull();

using PackedRecord for RecordSlot global;
using PackedTerms for TermsSlot global;
using PackedHoldings for HoldingsSlot global;

library PackedRecord {
    uint256 private constant _ISSUED_AT = 160;
    uint256 private constant _BODY_ID = 200;
    uint256 private constant _RULEBOOK_ID = 216;
    uint256 private constant _LEVEL = 232;
    uint256 private constant _STATE = 240;
    uint256 private constant _REASON = 248;

    /// @dev A new certificate: state Active, not revoked.
    function pack(address holder_, uint40 issuedAt_, uint16 bodyId_, uint16 rulebookId_, uint8 level_)
        internal
        pure
        returns (RecordSlot)
    {
        return RecordSlot.wrap(
            uint256(uint160(holder_)) | (uint256(issuedAt_) << _ISSUED_AT) | (uint256(bodyId_) << _BODY_ID)
                | (uint256(rulebookId_) << _RULEBOOK_ID) | (uint256(level_) << _LEVEL)
        );
    }

    /// @dev Marks a result root as used without a certificate behind it (a renewal's root).
    function usedMarker(uint40 at) internal pure returns (RecordSlot) {
        return RecordSlot.wrap(uint256(at) << _ISSUED_AT);
    }

    function isUsed(RecordSlot r) internal pure returns (bool) {
        return RecordSlot.unwrap(r) != 0;
    }

    function holder(RecordSlot r) internal pure returns (address) {
        return address(uint160(RecordSlot.unwrap(r)));
    }

    function issuedAt(RecordSlot r) internal pure returns (uint40) {
        return uint40(RecordSlot.unwrap(r) >> _ISSUED_AT);
    }

    function bodyId(RecordSlot r) internal pure returns (uint16) {
        return uint16(RecordSlot.unwrap(r) >> _BODY_ID);
    }

    function rulebookId(RecordSlot r) internal pure returns (uint16) {
        return uint16(RecordSlot.unwrap(r) >> _RULEBOOK_ID);
    }

    function level(RecordSlot r) internal pure returns (uint8) {
        return uint8(RecordSlot.unwrap(r) >> _LEVEL);
    }

    function state(RecordSlot r) internal pure returns (CertState) {
        return CertState(uint8(RecordSlot.unwrap(r) >> _STATE));
    }

    function reason(RecordSlot r) internal pure returns (RevocationReason) {
        return RevocationReason(uint8(RecordSlot.unwrap(r) >> _REASON));
    }

    function withState(RecordSlot r, CertState state_) internal pure returns (RecordSlot) {
        return RecordSlot.wrap(_set(RecordSlot.unwrap(r), _STATE, 0xff, uint8(state_)));
    }

    function withReason(RecordSlot r, RevocationReason reason_) internal pure returns (RecordSlot) {
        return RecordSlot.wrap(_set(RecordSlot.unwrap(r), _REASON, 0xff, uint8(reason_)));
    }

    function withRulebookId(RecordSlot r, uint16 rulebookId_) internal pure returns (RecordSlot) {
        return RecordSlot.wrap(_set(RecordSlot.unwrap(r), _RULEBOOK_ID, 0xffff, rulebookId_));
    }

    function _set(uint256 word, uint256 offset, uint256 mask, uint256 value) private pure returns (uint256) {
        return (word & ~(mask << offset)) | (value << offset);
    }
}

library PackedTerms {
    uint256 private constant _VALID_UNTIL = 192;
    uint256 private constant _NOTICE_PERIOD = 232;

    function pack(bytes32 root, uint40 validUntil_, uint24 noticePeriod_) internal pure returns (TermsSlot) {
        return TermsSlot.wrap(
            uint256(uint192(uint256(root))) | (uint256(validUntil_) << _VALID_UNTIL)
                | (uint256(noticePeriod_) << _NOTICE_PERIOD)
        );
    }

    /// @dev The full result root, given the certificate number that holds its high 64 bits.
    function resultRoot(TermsSlot t, uint256 tokenId) internal pure returns (bytes32) {
        return bytes32((tokenId << 192) | uint192(TermsSlot.unwrap(t)));
    }

    function validUntil(TermsSlot t) internal pure returns (uint40) {
        return uint40(TermsSlot.unwrap(t) >> _VALID_UNTIL);
    }

    function noticePeriod(TermsSlot t) internal pure returns (uint24) {
        return uint24(TermsSlot.unwrap(t) >> _NOTICE_PERIOD);
    }

    function withValidUntil(TermsSlot t, uint40 validUntil_) internal pure returns (TermsSlot) {
        uint256 word = TermsSlot.unwrap(t) & ~(uint256(type(uint40).max) << _VALID_UNTIL);
        return TermsSlot.wrap(word | (uint256(validUntil_) << _VALID_UNTIL));
    }
}

library PackedHoldings {
    /// @dev How many certificate numbers the slot holds besides the count.
    uint256 internal constant INLINE = 3;

    function count(HoldingsSlot h) internal pure returns (uint16) {
        return uint16(HoldingsSlot.unwrap(h));
    }

    /// @dev The number of the holder's `index`-th certificate, for `index` < INLINE.
    function inlineAt(HoldingsSlot h, uint256 index) internal pure returns (uint64) {
        return uint64(HoldingsSlot.unwrap(h) >> (16 + 64 * index));
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
