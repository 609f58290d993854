import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const noElectron = {
  name: 'electron',
  message: 'The engine never imports electron: only src-main/electron/ and the preload may.',
};

// Folder boundaries in src-main: a folder is a room with a door (its index.ts), and nothing
// reaches past another room's door; outside src-main, only the contract and the grammars it
// shares with the engine (src-preload/prn.ts, proxy-url.ts: free of zod, so upload workers
// load them alone). Written for files one and two folders deep (src-main/room/x.ts,
// src-main/room/sub/x.ts), as import strings go.
const CONTRACT = 'src-preload/(?:contract(?:-names)?|prn|proxy-url)\\.js$';
function roomDoors(depth) {
  const up = '\\.\\./'.repeat(depth);
  return [
    {
      regex: `^${up}[^./][^/]*/(?!index\\.js$).+`,
      message: "Another room is entered through its door: import from '../<room>/index.js'.",
    },
    {
      regex: `^${up}\\.\\./(?!${CONTRACT}).+`,
      message: 'Outside src-main, the engine reaches only the contract (src-preload/contract.ts).',
    },
  ];
}

// The desktop app's main process keeps windows, tray, menus, notifications and the IPC bridge;
// the engine runs in its own process behind the host client. Besides, it reads the renderer's
// files and the data folder's path. Lint sees direct imports only; the whole import closure of
// main.ts is checked by test/unit/electron/main-imports.test.ts.
const electronRooms = {
  regex:
    '^\\.\\./(?!engine-host/|renderer-files/|app-paths/|\\.\\./src-preload/contract(?:-names)?\\.js$).+',
  message:
    'The Electron main process reaches the engine only through the host client (../engine-host/index.js) and the contract.',
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'coverage/', 'release/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { paths: [noElectron] }],
    },
  },
  {
    // The renderer is browser code: no Node globals, and the engine only through the contract.
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.svelte'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            {
              group: ['**/src-main/**', 'node:*'],
              message: 'The renderer reaches the engine only through src-preload/contract.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/*/*.ts'],
    ignores: ['src-main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: roomDoors(1) }],
    },
  },
  {
    files: ['src-main/*/*/*.ts'],
    ignores: ['src-main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: roomDoors(2) }],
    },
  },
  {
    // The service assembles the watch room; the watch room never reaches back up into it.
    files: ['src-main/watch/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            ...roomDoors(1),
            {
              regex: '^\\.\\./service/',
              message:
                'The watch room sits below the service: shared engine types live in ../queue/index.js.',
            },
          ],
        },
      ],
    },
  },
  {
    // Target detection is shared engine code that reads headers: it stands on the files room
    // alone, so the watch rules, the service and the CLI can all use it.
    files: ['src-main/targets/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            ...roomDoors(1),
            {
              regex: '^\\.\\./(?!files/index\\.js$).+',
              message:
                'The targets room reads headers from files: it imports only ../files/index.js.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/electron/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...roomDoors(1), electronRooms] }],
    },
  },
  {
    files: ['src-preload/index.ts', 'src-preload/bridge.ts', 'test/e2e/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
);
