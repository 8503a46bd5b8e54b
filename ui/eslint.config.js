// ESLint for the UI: typescript-eslint's recommended rules, the rules of hooks,
// and the one architectural rule the UI has: only src/lib/ipc.ts talks to Tauri.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "src/bindings"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    languageOptions: { ecmaVersion: 2022, globals: globals.browser },
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@tauri-apps/*"],
              message: "Only src/lib/ipc.ts talks to the backend: call its typed functions instead.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/lib/ipc.ts"],
    rules: { "no-restricted-imports": "off" },
  },
);
