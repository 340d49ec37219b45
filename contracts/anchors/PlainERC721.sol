// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/**
 * @title PlainERC721
 * @notice A gas anchor for `npm run bench:gas`, not product code: a stock OpenZeppelin ERC-721 whose owner mints.
 */
contract PlainERC721 is ERC721, Ownable {
    error LengthMismatch();

    constructor() ERC721("Plain", "PLAIN") Ownable(msg.sender) {}

    /// @notice Mints token `id` to `to`.
    function mint(address to, uint256 id) external onlyOwner {
        _mint(to, id);
    }

    /// @notice Mints `ids[i]` to `to[i]` for every i.
    function mintBatch(address[] calldata to, uint256[] calldata ids) external onlyOwner {
        if (to.length != ids.length) revert LengthMismatch();
        for (uint256 i; i < to.length; ++i) {
            _mint(to[i], ids[i]);
        }
    }
}
