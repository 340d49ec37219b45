// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

import {CertificateView} from "../CertificateTypes.sol";

/// @notice Turns a certificate's verification view into ERC-721 metadata. Kept in its own contract so the
/// certificate stays within the code size limit and the presentation can change without touching records.
interface ICertificateRenderer {
    /// @notice The token URI (a `data:` URI with JSON metadata) for a certificate.
    function tokenURI(CertificateView calldata certificate) external view returns (string memory);
}
