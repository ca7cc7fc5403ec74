/**
 * secp256k1 key pairs for nodes and accounts, in the forms Besu uses: the node id (enode public key) is the
 * uncompressed public key without its `04` prefix, and a node's address — its validator address — is the Ethereum
 * address of that key (https://besu.hyperledger.org/public-networks/concepts/node-keys).
 */
import { SigningKey, Wallet, computeAddress } from "ethers";

export interface KeyPair {
  /** 0x + 64 hex digits. Secret. */
  privateKey: string;
  /** Node id: 128 lower-case hex digits (uncompressed public key without the 04 prefix), no 0x. */
  publicKey: string;
  /** EIP-55 checksummed address of the key. */
  address: string;
}

/** The key pair of a private key (0x-prefixed or bare hex, as a Besu key file holds it). */
export function keyPairFromPrivateKey(privateKey: string): KeyPair {
  const hex = privateKey.trim();
  const key = new SigningKey(hex.startsWith("0x") ? hex : "0x" + hex);
  return {
    privateKey: key.privateKey,
    publicKey: key.publicKey.slice(4), // drop 0x04
    address: computeAddress(key.publicKey),
  };
}

/** A fresh random key pair (ethers draws the key from the platform's CSPRNG). */
export function generateKeyPair(): KeyPair {
  return keyPairFromPrivateKey(Wallet.createRandom().privateKey);
}

/** `enode://<node id>@<host>:<port>`; discovery uses the same port as the TCP listener. */
export function enodeUrl(publicKey: string, host: string, port: number): string {
  if (!/^[0-9a-f]{128}$/.test(publicKey)) throw new Error(`node id must be 128 lower-case hex digits: ${publicKey}`);
  return `enode://${publicKey}@${host}:${port}`;
}
