// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;

import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {ICertificateRenderer} from "./interfaces/ICertificateRenderer.sol";
import {CertificateView, CertificateStatus, RevocationReason} from "./CertificateTypes.sol";

/**
 * @title CertificateRenderer
 * @notice Renders a certificate as ERC-721 JSON metadata with an SVG card, entirely on-chain, so a wallet shows the
 * credential, its level and its current status with no server. Bilingual: zh-CN first, English second.
 */
contract CertificateRenderer is ICertificateRenderer {
    using Strings for uint256;

    /// @inheritdoc ICertificateRenderer
    function tokenURI(CertificateView calldata c) external pure returns (string memory) {
        string memory number = c.tokenId.toString();
        string memory json = string.concat(
            '{"name":"',
            unicode"首席质量官能力水平证书 CQO Certificate #",
            number,
            '","description":"',
            unicode"首席质量官能力水平认定证书（灵魂绑定，不可转让）。",
            "Chief Quality Officer capability certificate, soulbound. Verify on-chain by number, wallet or QR code.",
            '","image":"data:image/svg+xml;base64,',
            Base64.encode(bytes(_svg(c, number))),
            '","attributes":',
            _attributes(c),
            "}"
        );
        return string.concat("data:application/json;base64,", Base64.encode(bytes(json)));
    }

    function _attributes(CertificateView calldata c) private pure returns (string memory) {
        return string.concat(
            '[{"trait_type":"Level","value":',
            uint256(c.level).toString(),
            '},{"trait_type":"Status","value":"',
            statusName(c.status),
            '"},{"trait_type":"Revocation reason","value":"',
            reasonName(c.revocationReason),
            '"},{"trait_type":"Certifying body","value":',
            uint256(c.bodyId).toString(),
            "},",
            _dates(c),
            ',{"trait_type":"Rulebook","value":"',
            Strings.toHexString(uint256(c.rulebookHash), 32),
            '"},{"trait_type":"Result root","value":"',
            Strings.toHexString(uint256(c.resultRoot), 32),
            '"}]'
        );
    }

    function _dates(CertificateView calldata c) private pure returns (string memory) {
        return string.concat(
            '{"display_type":"date","trait_type":"Issued","value":',
            uint256(c.issuedAt).toString(),
            '},{"display_type":"date","trait_type":"Valid from","value":',
            uint256(c.validFrom).toString(),
            '},{"display_type":"date","trait_type":"Valid until","value":',
            uint256(c.validUntil).toString(),
            "}"
        );
    }

    function _svg(CertificateView calldata c, string memory number) private pure returns (string memory) {
        return string.concat(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 250"><rect width="400" height="250" rx="16" fill="#',
            c.status == CertificateStatus.Valid ? "0f5132" : "6c757d",
            '"/><text x="24" y="48" fill="#fff" font-size="20">',
            unicode"首席质量官 · ",
            _levelName(c.level),
            '</text><text x="24" y="84" fill="#fff" font-size="14">CQO Certificate #',
            number,
            '</text><text x="24" y="120" fill="#fff" font-size="14">',
            unicode"认定主体 Body ",
            uint256(c.bodyId).toString(),
            '</text><text x="24" y="210" fill="#fff" font-size="22">',
            statusName(c.status),
            "</text></svg>"
        );
    }

    /// @notice The English name of a status, as shown in metadata.
    function statusName(CertificateStatus status) public pure returns (string memory) {
        if (status == CertificateStatus.Pending) return "Pending";
        if (status == CertificateStatus.Valid) return "Valid";
        if (status == CertificateStatus.Suspended) return "Suspended";
        if (status == CertificateStatus.Revoked) return "Revoked";
        if (status == CertificateStatus.Expired) return "Expired";
        if (status == CertificateStatus.Voided) return "Voided";
        if (status == CertificateStatus.ReviewOverdue) return "Review overdue";
        return "Not found";
    }

    /// @notice The English name of a revocation reason, as shown in metadata.
    function reasonName(RevocationReason reason) public pure returns (string memory) {
        if (reason == RevocationReason.Fraud) return "Fraud";
        if (reason == RevocationReason.Violation) return "Violation";
        if (reason == RevocationReason.FailedReview) return "Failed review";
        if (reason == RevocationReason.Reissued) return "Re-issued";
        if (reason == RevocationReason.HolderRequest) return "Holder request";
        if (reason == RevocationReason.BodyError) return "Body error";
        if (reason == RevocationReason.Other) return "Other";
        return "None";
    }

    function _levelName(uint8 level) private pure returns (string memory) {
        if (level == 1) return unicode"一级 Level I";
        if (level == 2) return unicode"二级 Level II";
        if (level == 3) return unicode"三级 Level III";
        return string.concat("Level ", uint256(level).toString());
    }
}
