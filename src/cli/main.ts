/** `credence`: the Credence suite from the command line (bin/credence.js runs this file). */
import { run } from "./program.js";

process.exitCode = await run(process.argv.slice(2));
