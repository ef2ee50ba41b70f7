// Package assets holds the files compiled into the binary: translations,
// fonts, rules and the model catalog.
package assets

import "embed"

// Translations holds the user-facing texts in English and Brazilian
// Portuguese: one flat JSON object (key → text) per file, named
// "<prefix>.<lang>.json" the way Fyne expects, so the GUI loads them with
//
//	lang.AddTranslationsFS(assets.Translations, "translations")
//
// and code without Fyne (reports, the command line) reads them with Labels.
// answers.*.json holds the answer vocabulary: questions (q.<key>, q.<key>.why,
// q.<key>.short), value labels (v.<key>.<value>, v.dont_know), wizard groups
// (group.<group>, group.<group>.intro) and the words of a recommendation
// (type.*, arch.*, weights.*, hosting.*, tier.*, step.*, strategy.*, check.*).
//
//go:embed translations
var Translations embed.FS

// TranslationsDir is the folder inside Translations that holds the files.
const TranslationsDir = "translations"
