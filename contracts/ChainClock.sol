// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

/// @notice The chain's clock as {ChainClock} reads it, handed to libraries (which cannot read its immutables): now in
/// unix seconds, the epoch of stored dates (seconds) and the block stored block numbers count from.
struct Moment {
    uint40 now;
    uint40 epoch;
    uint40 genesisBlock;
}

/**
 * @title ChainClock
 * @notice The contract's time, in unix seconds on every chain. FISCO BCOS and AntChain report `block.timestamp` in
 * milliseconds; the unit is fixed at deployment, and every date the contracts take, store or return is in seconds.
 * @dev Certificate records keep dates as 32-bit offsets from `EPOCH` and blocks as 32-bit offsets from
 * `GENESIS_BLOCK` (the deployment), so that a certificate fits in two storage slots: room for 136 years, and for
 * 4.29 billion blocks (136 years at one block a second).
 */
abstract contract ChainClock {
    /// @notice How many `block.timestamp` units make a second: 1, or 1000 on a chain that counts milliseconds.
    uint256 public immutable CLOCK_UNIT;
    /// @notice The deployment time in unix seconds: stored dates count from it.
    uint40 public immutable EPOCH;
    /// @notice The deployment block: stored block numbers count from it.
    uint256 public immutable GENESIS_BLOCK;

    /// @notice The clock unit is neither 1 (seconds) nor 1000 (milliseconds).
    error InvalidClockUnit(uint256 clockUnit);
    /// @notice A date before the contract's epoch or beyond its 136 years.
    error DateOutOfRange(uint40 date);

    /// @param clockUnit 1 if the chain's `block.timestamp` counts seconds, 1000 if it counts milliseconds
    constructor(uint256 clockUnit) {
        if (clockUnit != 1 && clockUnit != 1000) revert InvalidClockUnit(clockUnit);
        CLOCK_UNIT = clockUnit;
        EPOCH = uint40(block.timestamp / clockUnit);
        GENESIS_BLOCK = block.number;
    }

    /// @dev Now, in unix seconds.
    function _now() internal view returns (uint40) {
        return uint40(block.timestamp / CLOCK_UNIT);
    }

    /// @dev The clock as one value, for the certificate library (which has no access to these immutables).
    function _moment() internal view returns (Moment memory) {
        return Moment({now: _now(), epoch: EPOCH, genesisBlock: uint40(GENESIS_BLOCK)});
    }

    /// @dev Now, as a stored date.
    function _nowOffset() internal view returns (uint32) {
        return uint32(block.timestamp / CLOCK_UNIT - EPOCH);
    }

    /// @dev A date to store; reverts outside the epoch's range.
    function _toOffset(uint40 date) internal view returns (uint32) {
        if (date < EPOCH || date - EPOCH > type(uint32).max) revert DateOutOfRange(date);
        return uint32(date - EPOCH);
    }

    /// @dev A stored date, in unix seconds.
    function _fromOffset(uint32 offset) internal view returns (uint40) {
        return EPOCH + offset;
    }

    /// @dev This block, as a stored block number (checked: past 2^32 blocks the contract stops writing).
    function _blockOffset() internal view returns (uint32) {
        uint256 offset = block.number - GENESIS_BLOCK;
        if (offset > type(uint32).max) revert DateOutOfRange(uint40(block.number));
        return uint32(offset);
    }

    /// @dev A stored block number, as the chain's.
    function _fromBlockOffset(uint32 offset) internal view returns (uint40) {
        return uint40(GENESIS_BLOCK + offset);
    }
}
