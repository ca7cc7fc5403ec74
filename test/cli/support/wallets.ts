import { writeFile } from "node:fs/promises";
import path from "node:path";

import { Wallet, encryptKeystoreJson, id } from "ethers";

/** An account the command line signs with: its key, and the encrypted keystore file `--wallet` names. */
export interface KeystoreAccount {
  address: string;
  /** The same key as an ethers Wallet, for what a test does itself (unconnected). */
  wallet: Wallet;
  file: string;
}

/**
 * Writes an encrypted JSON keystore for a key derived from `name` (the same name, the same account, so that a
 * failing run can be retraced) into `dir`. scrypt N = 1024 rather than ethers' 131072: the command line decrypts
 * any N, and the cheap one keeps each `credence` process to a fraction of a second.
 */
export async function writeKeystore(dir: string, name: string, password: string): Promise<KeystoreAccount> {
  const wallet = new Wallet(id(`credence-cli-test:${name}`));
  const json = await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, password, {
    scrypt: { N: 1024 },
  });
  const file = path.join(dir, `${name}.json`);
  await writeFile(file, json, { mode: 0o600 });
  return { address: wallet.address, wallet, file };
}
