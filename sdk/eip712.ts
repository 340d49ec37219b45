/**
 * EIP-712 definitions of CQOCertificate's signed messages, defined once for the sdk, the cli, the server, the dApp
 * and the contracts' tests (test/helpers/eip712.ts re-exports this module).
 *
 * Field order is the contract's, not alphabetical: EIP-712 hashes fields in declaration order, so these lists must
 * match `ISSUANCE_TYPEHASH`, `VOUCHER_TYPEHASH` and `REISSUE_CONSENT_TYPEHASH` exactly (test/vouchers.test.ts and
 * test/sdk check each against `typeHash` below).
 */
import { keccak256, toHex, type Address, type Chain, type Client, type Hex, type Transport, type TypedDataDomain } from "viem";
import { verifyTypedData } from "viem/actions";

/** The name and version CQOCertificate passes to OpenZeppelin's EIP712 constructor. */
export const CQO_EIP712_NAME = "CQO Certificate";
export const CQO_EIP712_VERSION = "1";

/** The domain of one deployment: a signature for another chain or another contract is worthless here. */
export function cqoDomain(chainId: number | bigint, verifyingContract: Address) {
  return {
    name: CQO_EIP712_NAME,
    version: CQO_EIP712_VERSION,
    chainId: Number(chainId),
    verifyingContract,
  } as const satisfies TypedDataDomain;
}

/** What a body's key signs off-line so that anyone may submit the issuance before `deadline`. */
export const issuanceVoucherTypes = {
  IssuanceVoucher: [
    { name: "issuance", type: "Issuance" },
    { name: "deadline", type: "uint40" },
    { name: "bodyId", type: "uint16" },
    { name: "nonce", type: "uint16" },
  ],
  Issuance: [
    { name: "level", type: "uint8" },
    { name: "validUntil", type: "uint40" },
    { name: "resultRoot", type: "bytes32" },
    { name: "holder", type: "address" },
    { name: "rulebookId", type: "uint16" },
  ],
} as const;

/** What the new wallet signs to accept a re-issued certificate (lost keys). */
export const reissueConsentTypes = {
  ReissueConsent: [
    { name: "tokenId", type: "uint256" },
    { name: "newHolder", type: "address" },
    { name: "newResultRoot", type: "bytes32" },
    { name: "deadline", type: "uint40" },
  ],
} as const;

/** `CQOCertificate.Issuance`, as viem encodes it. Type aliases, not interfaces: viem wants messages assignable to Record<string, unknown>. (uint8..uint48 are numbers, larger integers bigints). */
export type Issuance = {
  /** 1 = 一级 (highest) … 8 */
  level: number;
  /** unix seconds */
  validUntil: number;
  resultRoot: Hex;
  holder: Address;
  rulebookId: number;
};

/** `CQOCertificate.IssuanceVoucher`. */
export type IssuanceVoucher = {
  issuance: Issuance;
  /** unix seconds; the voucher cannot be submitted after it */
  deadline: number;
  bodyId: number;
  /** the body's current voucher nonce: raising it cancels every outstanding voucher */
  nonce: number;
};

export type ReissueConsent = {
  tokenId: bigint;
  newHolder: Address;
  newResultRoot: Hex;
  deadline: number;
};

/** Everything `signTypedData` / `hashTypedData` / `verifyTypedData` need for a voucher. */
export function voucherTypedData(chainId: number | bigint, verifyingContract: Address, message: IssuanceVoucher) {
  return {
    domain: cqoDomain(chainId, verifyingContract),
    types: issuanceVoucherTypes,
    primaryType: "IssuanceVoucher",
    message,
  } as const;
}

/** Everything `signTypedData` / `hashTypedData` / `verifyTypedData` need for a reissue consent. */
export function reissueConsentTypedData(chainId: number | bigint, verifyingContract: Address, message: ReissueConsent) {
  return {
    domain: cqoDomain(chainId, verifyingContract),
    types: reissueConsentTypes,
    primaryType: "ReissueConsent",
    message,
  } as const;
}

/**
 * Proof of possession (持证人当面证明), off-chain only: a verifier shows a fresh random challenge and the
 * certificate's holder signs it in their wallet. Its own domain name (no contract checks it, so a possession
 * signature can never be mistaken for a voucher or a consent), bound to the chain and the certificate contract.
 */
export const POSSESSION_EIP712_NAME = "CQO Proof of Possession";
export const POSSESSION_EIP712_VERSION = "1";

export function possessionDomain(chainId: number | bigint, verifyingContract: Address) {
  return {
    name: POSSESSION_EIP712_NAME,
    version: POSSESSION_EIP712_VERSION,
    chainId: Number(chainId),
    verifyingContract,
  } as const satisfies TypedDataDomain;
}

export const possessionProofTypes = {
  PossessionProof: [
    { name: "tokenId", type: "uint256" },
    { name: "holder", type: "address" },
    { name: "challenge", type: "bytes32" },
    { name: "verifier", type: "string" },
    { name: "issuedAt", type: "uint64" },
  ],
} as const;

/** What the holder signs: this certificate, this wallet, the verifier's random challenge, who asks, and when. */
export type PossessionProof = {
  tokenId: bigint;
  holder: Address;
  /** 32 random bytes chosen by the verifier */
  challenge: Hex;
  /** who asks, as the verifier's page names itself (shown to the holder before signing) */
  verifier: string;
  /** unix seconds, when the challenge was made */
  issuedAt: bigint;
};

/** Everything `signTypedData` / `hashTypedData` / `verifyTypedData` need for a proof of possession. */
export function possessionTypedData(chainId: number | bigint, verifyingContract: Address, message: PossessionProof) {
  return {
    domain: possessionDomain(chainId, verifyingContract),
    types: possessionProofTypes,
    primaryType: "PossessionProof",
    message,
  } as const;
}

/**
 * Whether `signature` is `signer`'s proof of possession. Through the chain (viem's verifyTypedData action): an
 * EOA by ecrecover, a contract wallet by ERC-1271 `isValidSignature`, a not-yet-deployed one by ERC-6492. The
 * caller still checks that `signer` is the certificate's holder now and that the challenge is the one it showed.
 */
export async function verifyPossessionProof(
  client: Client<Transport, Chain | undefined>,
  args: { chainId: number | bigint; verifyingContract: Address; proof: PossessionProof; signer: Address; signature: Hex },
): Promise<boolean> {
  return verifyTypedData(client, {
    address: args.signer,
    signature: args.signature,
    ...possessionTypedData(args.chainId, args.verifyingContract, args.proof),
  });
}

type TypeFields = readonly { readonly name: string; readonly type: string }[];

/** EIP-712 `encodeType`: the primary type, then the types it references, sorted by name. */
export function encodeType(types: Record<string, TypeFields>, primaryType: string): string {
  const referenced = new Set<string>();
  const fieldsOf = (name: string): TypeFields => {
    const fields = types[name];
    if (!fields) throw new Error(`unknown EIP-712 type ${name}`);
    return fields;
  };
  const visit = (name: string): void => {
    for (const field of fieldsOf(name)) {
      const base = field.type.replace(/\[\d*\]$/, "");
      if (base in types && base !== primaryType && !referenced.has(base)) {
        referenced.add(base);
        visit(base);
      }
    }
  };
  visit(primaryType);
  const one = (name: string): string => `${name}(${fieldsOf(name).map((f) => `${f.type} ${f.name}`).join(",")})`;
  return [primaryType, ...[...referenced].sort()].map(one).join("");
}

/** EIP-712 `typeHash`: what the contract's `*_TYPEHASH` constants hold. */
export function typeHash(types: Record<string, TypeFields>, primaryType: string): Hex {
  return keccak256(toHex(encodeType(types, primaryType)));
}
