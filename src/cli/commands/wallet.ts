import { constants } from "node:fs";
import { access, readFile } from "node:fs/promises";

import { Wallet, type HDNodeWallet } from "ethers";
import type { Command } from "commander";

import { type GlobalOptions, debug, openWallet } from "../context.js";
import { usageError } from "../errors.js";
import { writeNewFile } from "../files.js";
import { output, renderFields } from "../output.js";
import { readNewPassword } from "../password.js";

/** The environment variable `wallet import` reads a private key from when no `--key-file` is given. */
export const PRIVATE_KEY_ENV = "CREDENCE_PRIVATE_KEY";

interface WalletResult {
  address: string;
  file: string;
}

const render = ({ address, file }: WalletResult) =>
  renderFields([
    ["address", address],
    ["file", file],
  ]);

/** `credence wallet create | import | address`: encrypted JSON keystores (ethers, scrypt). */
export function registerWalletCommands(program: Command): void {
  const wallet = program.command("wallet").description("create, import and inspect encrypted JSON keystores");

  wallet
    .command("create")
    .description("create a new random key, saved as an encrypted JSON keystore (mode 0600)")
    .requiredOption("--out <file>", "the keystore file to write (never overwritten)")
    .action(async (options: { out: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      await refuseExisting(options.out);
      const password = await readNewPassword();
      const result = await save(Wallet.createRandom(), password, options.out, globals);
      output(globals, result, render);
    });

  wallet
    .command("import")
    .description(
      `save an existing private key as an encrypted JSON keystore (key from --key-file or $${PRIVATE_KEY_ENV})`,
    )
    .option("--key-file <file>", "a file holding the hex private key (never pass a key as an argument)")
    .requiredOption("--out <file>", "the keystore file to write (never overwritten)")
    .action(async (options: { keyFile?: string; out: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const key = await readPrivateKey(options.keyFile);
      await refuseExisting(options.out);
      const password = await readNewPassword();
      const result = await save(key, password, options.out, globals);
      output(globals, result, render);
    });

  wallet
    .command("address")
    .description("decrypt --wallet FILE and print its address (checks the password)")
    .action(async (_options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const opened = await openWallet(globals);
      output(globals, { address: opened.address, file: globals.wallet! }, render);
    });
}

/** Fails early, before the slow encryption, if the output file exists (the write itself refuses too). */
async function refuseExisting(file: string): Promise<void> {
  const exists = await access(file, constants.F_OK).then(
    () => true,
    () => false,
  );
  if (exists) throw usageError(`${file} exists: refusing to overwrite a wallet`);
}

/** The private key of `wallet import`, from a file or the environment, checked. */
async function readPrivateKey(keyFile: string | undefined): Promise<Wallet> {
  let text: string;
  let source: string;
  if (keyFile !== undefined) {
    source = `key file ${keyFile}`;
    try {
      text = await readFile(keyFile, "utf8");
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : (error as Error).message;
      throw usageError(`${source}: ${reason}`);
    }
  } else if (process.env[PRIVATE_KEY_ENV] !== undefined) {
    source = `$${PRIVATE_KEY_ENV}`;
    text = process.env[PRIVATE_KEY_ENV]!;
  } else {
    throw usageError(`no key: pass --key-file FILE or set ${PRIVATE_KEY_ENV}`);
  }
  const hex = text.trim().replace(/^(0x)?/i, "0x");
  // The message never repeats the input: it is a secret.
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) throw usageError(`${source} does not hold a private key (64 hex digits)`);
  try {
    return new Wallet(hex);
  } catch {
    throw usageError(`${source} does not hold a valid secp256k1 private key`);
  }
}

/** Encrypts with ethers' default scrypt parameters and writes the file exclusively with mode 0600. */
async function save(
  wallet: Wallet | HDNodeWallet,
  password: string,
  file: string,
  globals: GlobalOptions,
): Promise<WalletResult> {
  debug(globals, `encrypting the key for ${wallet.address} (scrypt, a few seconds)`);
  const json = await wallet.encrypt(password);
  await writeNewFile(file, json + "\n", "a wallet");
  return { address: wallet.address, file };
}
