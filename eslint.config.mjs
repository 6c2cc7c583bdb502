// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/**
 * The one-way rules of README.md's Layout, enforced. Each feature folder of src/ names the
 * features it may import; anything else is an error. The infrastructure (config, common,
 * database, logging) is open to every folder and imports no feature itself, but for the
 * entities that database/ registers. The folders on top import whichever features they drive
 * and nothing imports them but the entry points (src/*.ts). A new dependency is a new word in
 * this table, made knowingly: the table must stay free of cycles (checked below).
 */
const FEATURES = {
  metrics: [],
  users: [],
  audit: [],
  'rate-limit': ['metrics'],
  assets: [],
  grants: [],
  keys: ['apis', 'audit', 'metrics'],
  apis: ['audit'],
  clients: ['apis', 'audit', 'rate-limit'],
  registration: ['audit', 'clients', 'rate-limit'],
  'id-tokens': ['keys'],
  'access-tokens': ['apis', 'clients', 'grants', 'keys'],
  accounts: ['audit', 'auth', 'clients', 'grants', 'users'],
  auth: ['audit', 'clients', 'id-tokens', 'metrics', 'rate-limit', 'users'],
  'auth-codes': ['apis', 'audit', 'auth', 'clients', 'grants', 'users'],
  tokens: ['access-tokens', 'apis', 'audit', 'auth-codes', 'clients', 'grants', 'id-tokens', 'metrics', 'users'],
  userinfo: ['access-tokens', 'users'],
  discovery: ['apis', 'clients', 'tokens'],
  health: ['rate-limit'],
  account: ['accounts', 'apis', 'audit', 'auth', 'auth-codes', 'clients', 'grants', 'users'],
};
/** The administration API and console, the scheduled clean-up and the CLI: above every feature. */
const ON_TOP = ['admin', 'console', 'retention', 'cli'];
const INFRASTRUCTURE = ['common', 'config', 'database', 'logging'];

const features = Object.keys(FEATURES);
const FOLDERS = [...features, ...ON_TOP, ...INFRASTRUCTURE];

for (const [folder, imports] of Object.entries(FEATURES)) {
  const unknown = imports.filter((name) => !features.includes(name));
  if (unknown.length) throw new Error(`eslint.config.mjs: ${folder} may import unknown features: ${unknown}`);
}
(function refuseCycles() {
  const done = new Set();
  const visit = (folder, path) => {
    if (path.includes(folder))
      throw new Error(`eslint.config.mjs: the features import in a cycle: ${[...path, folder].join(' -> ')}`);
    if (done.has(folder)) return;
    for (const next of FEATURES[folder]) visit(next, [...path, folder]);
    done.add(folder);
  };
  features.forEach((folder) => visit(folder, []));
})();

/** An import of `target` (a folder of src/), relative ('../target/…') or from the base URL ('src/target/…'). */
const into = (target, rest = '') => `^(?:(?:\\.\\./)+|src/)${target}/${rest}`;

/** The no-restricted-imports entry for the files of src/<folder>: these targets are refused, with why. */
function refuse(folder, targets, why, { entitiesAllowed = false } = {}) {
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: targets.map((target) => ({
            regex: into(target, entitiesAllowed && features.includes(target) ? '(?!.*\\.entity$)' : ''),
            message: `src/${folder} must not import src/${target}: ${why} (README.md, Layout).`,
          })),
        },
      ],
    },
  };
}

const others = (folder, allowed) => FOLDERS.filter((f) => f !== folder && !allowed.includes(f));

const layout = [
  ...Object.entries(FEATURES).map(([folder, imports]) =>
    refuse(
      folder,
      others(folder, [...imports, ...INFRASTRUCTURE]),
      imports.length
        ? `${folder} may import only ${imports.join(', ')} and the infrastructure`
        : `${folder} may import only the infrastructure`,
    ),
  ),
  ...ON_TOP.map((folder) =>
    refuse(
      folder,
      others(folder, [...features, ...INFRASTRUCTURE]),
      `${folder} may import the features and the infrastructure, not ${ON_TOP.filter((f) => f !== folder).join(' or ')}`,
    ),
  ),
  refuse('common', others('common', ['config']), 'common imports no feature, only config'),
  refuse('config', others('config', ['common']), 'config imports no feature, only common'),
  refuse('logging', others('logging', ['common', 'config']), 'logging imports no feature, only common and config'),
  refuse(
    'database',
    others('database', ['common', 'config']),
    'database imports no feature but the entities it registers',
    {
      entitiesAllowed: true,
    },
  ),
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'eslint.config.mjs', 'jest.config.js'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Input validation deliberately matches control characters to refuse them.
      'no-control-regex': 'off',
    },
  },
  ...layout,
);
