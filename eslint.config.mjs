// npm run lint: eslint (this file) and prettier (.prettierrc.json) over the TypeScript and scripts.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
    { ignores: ["node_modules/", ".cache/", ".stryker-tmp/", "reports/", "rendered/", "bin/", "tools/", "tests/golden/", "examples/*/node_modules/"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: { globals: { require: "readonly", module: "writable", process: "readonly", __dirname: "readonly", console: "readonly" } },
        rules: {
            // Unused names are an error, except the ones named as deliberately unused.
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
        },
    },
    {
        // settings/exporters.ts refuses control characters in header names and values, with regexes that name them.
        rules: { "no-control-regex": "off" },
    },
    {
        // Tests read parsed YAML and JSON as `any`, and load the Pulumi runtime with require() once its mocks are set.
        files: ["tests/**", "**/*.js"],
        linterOptions: { reportUnusedDisableDirectives: "off" },
        rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-require-imports": "off" },
    },
    {
        // The Pulumi program: an Output inside a template literal prints "Calling [toString] on an
        // [Output<T>] is not supported" instead of its value. These rules need type information.
        files: ["index.ts", "components/**/*.ts", "examples/**/*.ts"],
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        plugins: { pulumi },
        rules: {
            "pulumi/no-output-in-template-literal": "error",
            "pulumi/no-output-instance-in-template-literal": "error",
        },
    },
);
