// ESLint (flat config) over the pages' own scripts in web/static/js; scripts/test runs it.
// The scripts are plain browser scripts (no modules, no build step), loaded after the
// vendored bpmn-js bundle, which defines the global BpmnJS; diagram-common.js defines
// EskalasiDiagram for the diagram pages' scripts.
const js = require('@eslint/js');
const globals = require('globals');

module.exports = [
  {
    files: ['web/static/js/**/*.js'],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: 'script',
      globals: {
        ...globals.browser,
        BpmnJS: 'readonly',
        EskalasiDiagram: 'writable',
      },
    },
  },
];
