export interface Prerequisite {
  /** A command looked up on PATH (and the sbin directories), or an absolute path. */
  program: string;
  /** A module that `program` (Debian's Python) must import. */
  module?: string;
  /** The Debian package that installs it. */
  debian: string;
}
export const CHROMIUM: string;
export const PYTHON: string;
export const SBIN: string[];
export const PREREQUISITES: Prerequisite[];
export function locate(
  program: string,
  path: string | undefined,
  executable?: (file: string) => boolean,
): string | undefined;
export type Plan =
  | { action: 'none'; missing: Prerequisite[] }
  | { action: 'install'; missing: Prerequisite[]; packages: string[] }
  | { action: 'stop'; missing: Prerequisite[]; packages: string[]; line: string };
export function plan(options: {
  path: string | undefined;
  uid: number | undefined;
  executable?: (file: string) => boolean;
  importable?: (module: string) => boolean;
}): Plan;
