export { relativePathIn, type RulePathOptions } from './rule-paths.js';
export {
  DEFAULT_IGNORES,
  ruleFolderMatcher,
  ruleMatcher,
  type MatchedRule,
  type RuleDecision,
} from './rule-matcher.js';
export {
  resolveArtifactVersion,
  resolveTarget,
  type TargetResolution,
  type VersionResolution,
} from './rule-resolution.js';
export { loadRulesFile, parseWatchRules, saveRulesFile } from './rules-file.js';
export type { ParseWatchRulesOptions } from './rules-file.js';
export { RulesFileError } from './rules-file-error.js';
export type { RulesFileErrorCode, RulesFileErrorData } from './rules-file-error.js';
// The rules' schema and types live in the settings room, which keeps rules in its file too.
export type { WatchRule, WatchRuleProblem } from '../settings/index.js';
export { WatchAgent, type WatchAgentOptions } from './watch-agent.js';
export type { WatchEngine } from './watch-engine.js';
export type { WatchEvent } from './watch-events.js';
export { Spool } from './spool.js';
export { WatchRunner, type WatchRunnerOptions } from './watch-runner.js';
