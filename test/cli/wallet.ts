import { readFile, rm, mkdtemp, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { Wallet } from "ethers";

import { expectFailure, runCli } from "./support/cli.js";

describe("credence wallet", function () {
  this.timeout(60_000);

  const PASSWORD = "correct horse battery staple";
  // A throw-away key (never funded anywhere): importing it must give its address.
  const KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
  const KEY_ADDRESS = new Wallet(KEY).address;
  let dir: string;

  const withPassword = (password = PASSWORD) => ({ env: { CREDENCE_PASSWORD: password } });

  before(async function () {
    dir = await mkdtemp(path.join(tmpdir(), "credence-wallet-"));
  });

  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  describe("create", function () {
    it("writes a new key as an encrypted keystore, mode 0600, that decrypts to the printed address", async function () {
      const file = path.join(dir, "created.json");
      const result = await runCli(["wallet", "create", "--out", file, "--json"], withPassword());
      expect(result, result.stderr).to.include({ code: 0, stderr: "" });
      const { address } = JSON.parse(result.stdout);
      expect((await stat(file)).mode & 0o777).to.equal(0o600);
      const decrypted = await Wallet.fromEncryptedJson(await readFile(file, "utf8"), PASSWORD);
      expect(decrypted.address === address, `${decrypted.address} !== ${address}`).to.equal(true);
    });

    describe("reverts", function () {
      it("when the file exists: nothing is overwritten, exit code 2", async function () {
        const file = path.join(dir, "existing.json");
        await writeFile(file, "precious");
        expectFailure(
          await runCli(["wallet", "create", "--out", file], withPassword()),
          2,
          `credence: ${file} exists: refusing to overwrite a wallet`,
        );
        expect(await readFile(file, "utf8")).to.equal("precious");
      });

      it("when there is no password and no terminal: exit code 4", async function () {
        expectFailure(
          await runCli(["wallet", "create", "--out", path.join(dir, "never.json")]),
          4,
          "credence: no password: set CREDENCE_PASSWORD or run in a terminal",
        );
      });

      it("when the password is empty: exit code 2", async function () {
        expectFailure(
          await runCli(["wallet", "create", "--out", path.join(dir, "never.json")], withPassword("")),
          2,
          "credence: the wallet password must not be empty",
        );
      });
    });
  });

  describe("import", function () {
    it("saves the key of a key file, and `wallet address` decrypts it", async function () {
      const keyFile = path.join(dir, "key.txt");
      await writeFile(keyFile, `${KEY.slice(2)}\n`); // without 0x and with a newline, as editors save it
      const file = path.join(dir, "imported.json");
      const imported = await runCli(["wallet", "import", "--key-file", keyFile, "--out", file], withPassword());
      expect(imported, imported.stderr).to.include({ code: 0, stderr: "" });
      expect(imported.stdout).to.equal(`address  ${KEY_ADDRESS}\nfile     ${file}\n`);
      expect((await stat(file)).mode & 0o777).to.equal(0o600);

      const shown = await runCli(["wallet", "address", "--wallet", file, "--json"], withPassword());
      expect(shown, shown.stderr).to.include({ code: 0, stderr: "" });
      expect(JSON.parse(shown.stdout)).to.deep.equal({ address: KEY_ADDRESS, file });
    });

    it("reads the key from CREDENCE_PRIVATE_KEY when no key file is given", async function () {
      const file = path.join(dir, "from-env.json");
      const result = await runCli(["wallet", "import", "--out", file, "--json"], {
        env: { CREDENCE_PASSWORD: PASSWORD, CREDENCE_PRIVATE_KEY: KEY },
      });
      expect(result, result.stderr).to.include({ code: 0, stderr: "" });
      expect(JSON.parse(result.stdout).address).to.equal(KEY_ADDRESS);
    });

    describe("reverts", function () {
      it("when the key file holds no key: exit code 2, the content not echoed", async function () {
        const keyFile = path.join(dir, "not-a-key.txt");
        await writeFile(keyFile, "0xsecret-but-malformed");
        const result = await runCli(
          ["wallet", "import", "--key-file", keyFile, "--out", path.join(dir, "never.json")],
          withPassword(),
        );
        expectFailure(result, 2, `credence: key file ${keyFile} does not hold a private key (64 hex digits)`);
      });

      it("when no key is given at all: exit code 2", async function () {
        expectFailure(
          await runCli(["wallet", "import", "--out", path.join(dir, "never.json")], withPassword()),
          2,
          "credence: no key: pass --key-file FILE or set CREDENCE_PRIVATE_KEY",
        );
      });
    });
  });

  describe("address", function () {
    describe("reverts", function () {
      let file: string;

      before(async function () {
        file = path.join(dir, "locked.json");
        await writeFile(file, await new Wallet(KEY).encrypt(PASSWORD));
      });

      it("when the password is wrong: one line, exit code 4", async function () {
        expectFailure(
          await runCli(["wallet", "address", "--wallet", file], withPassword("wrong")),
          4,
          `credence: wrong password for wallet ${file}`,
        );
      });

      it("when the file is not a keystore: exit code 4", async function () {
        const notKeystore = path.join(dir, "plain.json");
        await writeFile(notKeystore, JSON.stringify({ address: KEY_ADDRESS }));
        expectFailure(
          await runCli(["wallet", "address", "--wallet", notKeystore], withPassword()),
          4,
          `credence: wallet ${notKeystore} is not an encrypted JSON keystore`,
        );
      });

      it("when no --wallet is given: exit code 2", async function () {
        expectFailure(
          await runCli(["wallet", "address"], withPassword()),
          2,
          "credence: this command needs --wallet FILE (an encrypted JSON keystore)",
        );
      });
    });
  });

  describe("the command line", function () {
    it("rejects an unknown option in one line, exit code 2 (a key is never taken as an argument)", async function () {
      expectFailure(
        await runCli(["wallet", "import", "--key", KEY, "--out", path.join(dir, "never.json")]),
        2,
        "credence: unknown option '--key'",
      );
    });

    it("prints the exit codes with --help", async function () {
      const result = await runCli(["--help"]);
      expect(result).to.include({ code: 0, stderr: "" });
      expect(result.stdout).to.match(/^ {2}4 {2}the wallet: wrong password/m);
    });
  });
});
