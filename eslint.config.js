// Type-aware lint: recommendedTypeChecked catches forgotten awaits and unsafe any.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "examples/", "scripts/", "eslint.config.js", "**/.venv/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "error",
    },
  },
  {
    // Printing belongs at the edges: the command line and the agents' entry points.
    files: ["cli/**", "action/main.ts", "runner-agent/main.ts", "test/**", "bench/**", "core/logger.ts"],
    rules: { "no-console": "off" },
  },
  {
    // The workflow action: committed JavaScript an Actions runner runs without npm install.
    // Its names are checked by tsc (`// @ts-check` under allowJs), as no-undef cannot see Node's globals.
    files: ["action/workflow/**/*.mjs"],
    rules: { "no-undef": "off", "no-console": "off" },
  },
  {
    files: ["test/**"],
    rules: { "@typescript-eslint/no-floating-promises": "off" },
  },
);
