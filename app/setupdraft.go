package app

import (
	"encoding/json"
	"errors"
	"io/fs"
	"log"
	"os"
	"path/filepath"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// setupDraft is the live-test setup of one decision as it is kept on disk,
// so the endpoints and examples a user typed survive closing the app before
// the test was started. API keys are never in it: an endpoint holds only the
// name of the environment variable; typed keys live in the OS keyring.
type setupDraft struct {
	Candidates  []advisor.Endpoint `json:"candidates"`
	Cases       []advisor.Case     `json:"cases,omitempty"`
	FewShot     []advisor.Example  `json:"few_shot,omitempty"`
	Documents   string             `json:"documents,omitempty"`
	Strategies  []string           `json:"strategies,omitempty"`
	Checks      []string           `json:"checks,omitempty"`
	Concurrency int                `json:"concurrency,omitempty"`
	Repeats     int                `json:"repeats,omitempty"`
	Judge       string             `json:"judge,omitempty"`
	Rubric      string             `json:"rubric,omitempty"`
	Embedding   string             `json:"embedding,omitempty"`
	EmbedModel  string             `json:"embed_model,omitempty"`
	Kind        string             `json:"kind,omitempty"`
	Language    string             `json:"language,omitempty"`
	ImageSize   string             `json:"image_size,omitempty"`

	// The verdict (issue 11): the acceptance criteria as the user left them
	// (derived marks that the answers' criteria were already taken, so a
	// cleared form stays cleared) and the strategy ladder.
	Acceptance        *advisor.Acceptance `json:"acceptance,omitempty"`
	AcceptanceDerived bool                `json:"acceptance_derived,omitempty"`
	Ladder            bool                `json:"strategy_ladder,omitempty"`
	Batch             bool                `json:"batch,omitempty"` // the Batch API offer taken (issue 17)
}

// setupDraftPath is where the setup of decision id is kept: a "setups"
// folder beside the database ("" when there is no database).
func (a *App) setupDraftPath(id int64) string {
	if a.ws == nil || id == 0 {
		return ""
	}
	return a.ws.SetupPath(id)
}

// saveSetupDraft writes the current decision's live-test setup (small, so
// on the UI goroutine; written to a temporary file and renamed, so a crash
// never leaves half a file).
func (a *App) saveSetupDraft() {
	if a.decision == nil || a.setup == nil {
		return
	}
	path := a.setupDraftPath(a.decision.ID)
	if path == "" {
		return
	}
	s := a.setup
	d := setupDraft{Candidates: a.candidates, Cases: s.cases, FewShot: s.fewShot, Documents: s.documents,
		Strategies: s.strategies, Checks: s.checks, Concurrency: s.concurrency, Repeats: s.repeats,
		Judge: s.judge, Rubric: s.rubric, Embedding: s.embedding, EmbedModel: s.embedModel,
		Kind: s.kind, Language: s.language, ImageSize: s.imageSize,
		Acceptance: s.acceptance, AcceptanceDerived: s.acceptanceDerived, Ladder: s.ladder}
	b, err := json.MarshalIndent(d, "", "  ")
	if err == nil {
		err = os.MkdirAll(filepath.Dir(path), 0o700)
	}
	if err == nil {
		tmp := path + ".tmp"
		if err = os.WriteFile(tmp, b, 0o600); err == nil {
			err = os.Rename(tmp, path)
		}
	}
	if err != nil {
		log.Printf("llm-advisor: save the live-test setup: %v", err)
	}
}

// loadSetupDraft restores the current decision's saved setup, if any. It
// reports whether one was found.
func (a *App) loadSetupDraft() bool {
	if a.decision == nil {
		return false
	}
	path := a.setupDraftPath(a.decision.ID)
	if path == "" {
		return false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			log.Printf("llm-advisor: read the live-test setup: %v", err)
		}
		return false
	}
	var d setupDraft
	if err := json.Unmarshal(b, &d); err != nil {
		log.Printf("llm-advisor: %s: %v (starting from the recommendation)", path, err)
		return false
	}
	a.setup = &testSetup{cases: d.Cases, fewShot: d.FewShot, documents: d.Documents, strategies: d.Strategies,
		checks: d.Checks, concurrency: d.Concurrency, repeats: d.Repeats, judge: d.Judge, rubric: d.Rubric,
		embedding: d.Embedding, embedModel: d.EmbedModel, kind: d.Kind, language: d.Language, imageSize: d.ImageSize,
		acceptance: d.Acceptance, acceptanceDerived: d.AcceptanceDerived, ladder: d.Ladder, batch: d.Batch}
	if a.setup.concurrency <= 0 {
		a.setup.concurrency = a.concurrency()
	}
	if a.setup.repeats <= 0 {
		a.setup.repeats = 1
	}
	if a.setup.kind == "" {
		a.setup.kind = advisor.CaseKindChat
	}
	// The saved endpoints keep the user's edits; models added from the
	// catalog meanwhile come after them.
	a.candidates = mergeCandidates(d.Candidates, a.candidates)
	return true
}

// hasSetupDraft reports whether the current decision has a saved setup.
func (a *App) hasSetupDraft() bool {
	if a.decision == nil {
		return false
	}
	path := a.setupDraftPath(a.decision.ID)
	if path == "" {
		return false
	}
	_, err := os.Stat(path)
	return err == nil
}

// removeSetupDraft forgets the saved setup of a deleted decision.
func (a *App) removeSetupDraft(id int64) {
	if path := a.setupDraftPath(id); path != "" {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			log.Printf("llm-advisor: remove the live-test setup: %v", err)
		}
	}
}
