package advisor

import (
	"encoding/json"
	"log"
	"strings"
	"sync"

	"github.com/llm-advisor/llm-advisor/assets"
)

var (
	sourceTitlesOnce sync.Once
	sourceTitles     map[string]string
)

// SourceTitle is the title of the page at url, a source a rule cites
// (assets/rules/sources.json); "" when the page has no recorded title.
func SourceTitle(url string) string {
	sourceTitlesOnce.Do(func() {
		m := map[string]string{}
		if err := json.Unmarshal(assets.SourceTitles, &m); err != nil {
			log.Printf("llm-advisor: source titles: %v", err)
		}
		delete(m, "_comment")
		sourceTitles = m
	})
	if t, ok := sourceTitles[url]; ok {
		return t
	}
	return sourceTitles[strings.TrimSuffix(url, "/")]
}

// ExportPrefix starts the name of every file LLM Advisor exports (reports,
// result tables, fine-tuning data).
const ExportPrefix = "llm-advisor-"

// IsOwnExport reports whether a file name is one of LLM Advisor's own
// exports: a report saved into a documents folder must never become a
// "document" of the next retrieval test.
func IsOwnExport(name string) bool {
	base := strings.ToLower(name)
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	return strings.HasPrefix(base, ExportPrefix+"run-") || strings.HasPrefix(base, ExportPrefix+"report")
}
