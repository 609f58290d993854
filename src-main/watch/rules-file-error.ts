// A watch rules file (or a list of rules) that cannot be used, as people read it: which
// file, which rule, which field, and what to do. Crosses process boundaries as plain data
// through toJSON().
import { describeRuleProblems, type WatchRuleProblem } from '../settings/index.js';

export type RulesFileErrorCode =
  | 'rules_file_missing'
  | 'rules_file_unreadable'
  | 'rules_file_not_json'
  /** The JSON does not follow the rules schema; `problems` names each rule and field. */
  | 'rules_invalid';

export interface RulesFileErrorData {
  code: RulesFileErrorCode;
  message: string;
  details: { filePath?: string; problems: WatchRuleProblem[] };
}

export class RulesFileError extends Error {
  override name = 'RulesFileError';
  readonly code: RulesFileErrorCode;
  /** Absent when the rules did not come from a file. */
  readonly filePath: string | undefined;
  readonly problems: WatchRuleProblem[];

  constructor(
    code: RulesFileErrorCode,
    message: string,
    options: { filePath?: string; problems?: WatchRuleProblem[]; cause?: unknown } = {},
  ) {
    super(message);
    this.code = code;
    this.filePath = options.filePath;
    this.problems = options.problems ?? [];
    if (options.cause !== undefined) this.cause = options.cause;
  }

  /** The rules do not follow the schema. */
  static invalid(problems: WatchRuleProblem[], filePath?: string): RulesFileError {
    const what = filePath === undefined ? 'The watch rules' : `The watch rules file "${filePath}"`;
    return new RulesFileError(
      'rules_invalid',
      `${what} ${filePath === undefined ? 'are' : 'is'} not valid: ` +
        `${describeRuleProblems(problems)}. No rule was loaded; fix ` +
        `${filePath === undefined ? 'them' : 'the file'} and load again.`,
      { ...(filePath === undefined ? {} : { filePath }), problems },
    );
  }

  toJSON(): RulesFileErrorData {
    return {
      code: this.code,
      message: this.message,
      details: {
        ...(this.filePath === undefined ? {} : { filePath: this.filePath }),
        problems: this.problems,
      },
    };
  }
}
