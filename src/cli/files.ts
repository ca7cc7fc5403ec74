import { open } from "node:fs/promises";

import { usageError } from "./errors.js";

/**
 * Writes a new file readable by its owner only (0600), never over an existing one: opened with "wx", so a file
 * that appears between a check and the write is not overwritten either. `what` names it in the refusal.
 */
export async function writeNewFile(file: string, text: string, what: string): Promise<void> {
  let handle;
  try {
    handle = await open(file, "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw usageError(`${file} exists: refusing to overwrite ${what}`);
    }
    throw usageError(`cannot write ${file}: ${(error as Error).message}`);
  }
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}
