// "Is this module the program node was asked to run?" for files that are both a CLI and a
// library. Comparing import.meta.url with `file://${process.argv[1]}` is wrong wherever the path
// has a space or a non-ASCII character (the URL is percent-encoded, argv is not): from a
// checkout in /srv/安心 服务/ the CLI did nothing, silently, and exited 0. Symlinks too.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function isMain(moduleUrl: string): boolean {
  const arg = process.argv[1];
  if (!arg) return false;
  try {
    return realpathSync(arg) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
