// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @notice How the contracts accept a signature: an EOA's ECDSA signature (low s, by OpenZeppelin's rules) or a
/// contract wallet's ERC-1271 answer.
library SignatureRules {
    /**
     * @dev ECDSA first, without asking whether the signer has code: that question costs a cold account access on
     * every voucher. A 65-byte signature is read straight from calldata (no copy to memory); a contract wallet's
     * signature never recovers to the wallet, so it falls through to ERC-1271. OpenZeppelin 5.3: the calldata
     * helpers of later releases use Cancun's MCOPY, which consortium chains refuse.
     */
    function isValidSignature(address signer, bytes32 digest, bytes calldata signature) internal view returns (bool) {
        if (signature.length == 65) {
            (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(
                digest, uint8(signature[64]), bytes32(signature[0:32]), bytes32(signature[32:64])
            );
            if (err == ECDSA.RecoverError.NoError && recovered == signer) return true;
        }
        return SignatureChecker.isValidERC1271SignatureNow(signer, digest, signature);
    }
}
