import { describe, expect, it } from 'vitest';
import {
  MAX_SEARCH_CLAUSES,
  PeridioError,
  SEARCH_KEYS,
  search,
  searchBinaries,
} from '../../../src-main/peridio/index.js';

describe('search builder', () => {
  it('single-quotes strings and escapes quotes and backslashes', () => {
    expect(search().eq('target', "it's").toString()).toBe("target:'it\\'s'");
    expect(search().eq('description', 'C:\\path').toString()).toBe("description:'C:\\\\path'");
    expect(search().eq('description', "\\'").toString()).toBe("description:'\\\\\\''");
  });

  it('writes every operator and joins clauses with " and "', () => {
    const query = search()
      .eq('target', 'x86_64')
      .contains('description', 'East')
      .containsIgnoringCase('name', 'blue')
      .gte('inserted_at', '2023-01-01T00:00:00Z')
      .lt('size', 1024);
    expect(query.toString()).toBe(
      "target:'x86_64' and description~'East' and name-'blue' and " +
        "inserted_at>='2023-01-01T00:00:00Z' and size<1024",
    );
    expect(
      search()
        .lte('size', 5)
        .gt('updated_at', new Date(Date.UTC(2024, 0, 2)))
        .toString(),
    ).toBe("size<=5 and updated_at>'2024-01-02T00:00:00.000Z'");
  });

  it('stops at five clauses and refuses an empty query', () => {
    let query = search();
    for (let i = 0; i < MAX_SEARCH_CLAUSES; i += 1) query = query.eq('name', `n${i}`);
    expect(query.clauseCount).toBe(5);
    expect(() => query.eq('name', 'sixth')).toThrow(/at most 5 clauses/);
    expect(() => search().toString()).toThrow(/at least one clause/);
  });

  it('is immutable: adding a clause leaves the original query as it was', () => {
    const base = search().eq('name', 'a');
    base.eq('name', 'b');
    expect(base.toString()).toBe("name:'a'");
  });

  it('refuses bad keys and comparisons with non-dates, as invalid_input errors', () => {
    const attempts = [
      () => search().eq("name' or 1", 'x'),
      () => search().gt('inserted_at', 'yesterday'),
      () => search().gt('inserted_at', '2024-01-01 00:00:00'),
      () => search().lt('size', Number.NaN),
    ];
    for (const attempt of attempts) {
      let thrown: unknown;
      try {
        attempt();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(PeridioError);
      expect((thrown as PeridioError).code).toBe('invalid_input');
    }
  });

  it('catches a typo in a binary search key before anything is sent', () => {
    expect(searchBinaries().eq('target', 'a').toString()).toBe("target:'a'");
    expect(() => (searchBinaries() as ReturnType<typeof search>).eq('state', 'signed')).toThrow(
      /"state" cannot be searched here/,
    );
    expect(SEARCH_KEYS.binaries).toEqual([
      'artifact_version_prn',
      'description',
      'hash',
      'inserted_at',
      'prn',
      'size',
      'target',
      'updated_at',
    ]);
  });
});
