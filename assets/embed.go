package assets

import "embed"

// Rules holds the built-in rules of the engine (assets/rules/*.yaml): the
// conservative assumptions for unknown answers and one entry per rule of
// decision-guidance §2.
//
//go:embed rules/*.yaml
var Rules embed.FS

// Catalog holds the built-in model catalog (assets/catalog/*.yaml).
//
//go:embed catalog/*.yaml catalog/modelsdev/api-*.json catalog/modelsdev/LICENSE catalog/providers/*.yaml
var Catalog embed.FS

// Providers holds the curated facts about the providers the live test can
// connect to (assets/providers/providers.yaml): OpenAI-compatible base URL,
// key variables, where the facts come from, and Ollama tags of open models.
//
//go:embed providers/providers.yaml
var Providers []byte

// Acceptance holds the derivation of a live test's acceptance criteria from
// the decision's answers (assets/acceptance/*.yaml).
//
//go:embed acceptance/*.yaml
var Acceptance embed.FS

// SourceTitles maps every address the built-in rules cite to the title of
// its page (assets/rules/sources.json), so a source reads as a title, not a
// bare domain.
//
//go:embed rules/sources.json
var SourceTitles []byte
