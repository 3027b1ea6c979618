/** Types of `require-node.cjs`, the Node.js version check every entry point loads first. */
/** Oldest Node.js release that runs this project. */
export declare const REQUIRED_NODE: { readonly major: number; readonly minor: number };
/** The one-line message for `version` (e.g. `20.20.2`) run from `execPath`, or undefined when it is new enough. */
export declare function nodeVersionProblem(version: string, execPath?: string): string | undefined;
