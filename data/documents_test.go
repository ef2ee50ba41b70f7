package data

import (
	"context"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

var shopDocs = []advisor.Chunk{
	{Source: "refunds.md", Index: 0, Text: "Refund policy. Customers may return a damaged item within 30 days for a full refund. Refunds are paid to the original card."},
	{Source: "refunds.md", Index: 1, Text: "Gift cards cannot be exchanged for cash."},
	{Source: "shipping.md", Index: 0, Text: "Shipping takes 3 to 5 working days. Express shipping is available for an extra fee."},
	{Source: "shipping.md", Index: 1, Text: "We ship to every country of the European Union. Customs fees are paid by the customer."},
	{Source: "about/company.txt", Index: 0, Text: "Our company was founded in 1998 and sells kitchen items. Our customer service answers every day."},
}

func TestSearchPassagesRanksTheRelevantChunkFirst(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.IndexDocuments(ctx, "/docs/shop", shopDocs); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ query, source, prefix string }{
		{"How do I get my money back for a broken, damaged item?", "refunds.md", "Refund policy"},
		{"how many days does shipping take", "shipping.md", "Shipping takes"},
		{"customs fees for the EU", "shipping.md", "We ship to every country"},
		{"When was the company founded?", "about/company.txt", "Our company"},
		{"refunding", "refunds.md", "Refund policy"}, // stemming
	} {
		ps, err := s.SearchPassages(ctx, "/docs/shop", tc.query, 3)
		if err != nil {
			t.Fatalf("%q: %v", tc.query, err)
		}
		if len(ps) == 0 {
			t.Errorf("%q: nothing found", tc.query)
			continue
		}
		if ps[0].Source != tc.source || len(ps[0].Text) < len(tc.prefix) || ps[0].Text[:len(tc.prefix)] != tc.prefix {
			t.Errorf("%q: first passage %s %q, want %s %q…", tc.query, ps[0].Source, ps[0].Text, tc.source, tc.prefix)
		}
		if len(ps) > 3 {
			t.Errorf("%q: %d passages for k=3", tc.query, len(ps))
		}
		for i := 1; i < len(ps); i++ {
			if ps[i].Score > ps[i-1].Score {
				t.Errorf("%q: passages not best first: %v", tc.query, ps)
			}
		}
		if ps[0].Score <= 0 {
			t.Errorf("%q: best score %v, want > 0 (higher is better)", tc.query, ps[0].Score)
		}
	}
}

func TestSearchPassagesSurvivesHostileQueries(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.IndexDocuments(ctx, "c", shopDocs); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`what's "this" -- AND (`,
		`refund" OR "`,
		`NEAR(refund shipping, 2)`,
		`text:refund`,
		`{text}: refund`,
		`refund*`,
		`^refund`,
		`AND OR NOT`,
		`"`, `""`, `(`, `)`, `*`, `-`, `+`, `:`,
		`'; DROP TABLE chunks; --`,
		"\x00refund\x00",
		"",
		"   \t\n",
		"🙂 refund 🙂",
		"ação reembolso — 30 días",
	} {
		ps, err := s.SearchPassages(ctx, "c", q, 5)
		if err != nil {
			t.Errorf("query %q: %v", q, err)
		}
		_ = ps
	}
	// The words in a hostile query still count.
	ps, err := s.SearchPassages(ctx, "c", `refund" OR "`, 5)
	if err != nil || len(ps) == 0 || ps[0].Source != "refunds.md" {
		t.Errorf(`query refund" OR ": %v, %v`, ps, err)
	}
	if n, err := s.CountChunks(ctx, "c"); err != nil || n != len(shopDocs) {
		t.Errorf("after hostile queries %d chunks (%v), want %d", n, err, len(shopDocs))
	}
}

func TestIndexDocumentsReplacesTheCollection(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.IndexDocuments(ctx, "a", shopDocs); err != nil {
		t.Fatal(err)
	}
	if err := s.IndexDocuments(ctx, "b", shopDocs[:2]); err != nil {
		t.Fatal(err)
	}
	// Re-index "a" with other content: the old content is gone from search.
	newDocs := []advisor.Chunk{{Source: "faq.md", Index: 0, Text: "Opening hours are nine to five."}}
	if err := s.IndexDocuments(ctx, "a", newDocs); err != nil {
		t.Fatal(err)
	}
	if n, err := s.CountChunks(ctx, "a"); err != nil || n != 1 {
		t.Errorf("chunks of a = %d (%v), want 1", n, err)
	}
	if ps, err := s.SearchPassages(ctx, "a", "shipping refund", 5); err != nil || len(ps) != 0 {
		t.Errorf("old content of a still found: %v, %v", ps, err)
	}
	if ps, err := s.SearchPassages(ctx, "a", "opening hours", 5); err != nil || len(ps) != 1 || ps[0].Source != "faq.md" {
		t.Errorf("new content of a: %v, %v", ps, err)
	}
	// Collection b is untouched and does not see a's chunks.
	if ps, err := s.SearchPassages(ctx, "b", "refund", 5); err != nil || len(ps) == 0 || ps[0].Source != "refunds.md" {
		t.Errorf("collection b: %v, %v", ps, err)
	}
	if ps, err := s.SearchPassages(ctx, "b", "opening hours", 5); err != nil || len(ps) != 0 {
		t.Errorf("collection b sees a's chunks: %v, %v", ps, err)
	}
	// The full-text index agrees with the chunks table.
	if _, err := s.w.Exec("INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('integrity-check', 1)"); err != nil {
		t.Errorf("full-text index out of step with the chunks: %v", err)
	}
	var indexed, chunks int
	if err := s.r.QueryRow("SELECT (SELECT count(*) FROM chunks_fts_docsize), (SELECT count(*) FROM chunks)").Scan(&indexed, &chunks); err != nil {
		t.Fatal(err)
	}
	if indexed != chunks {
		t.Errorf("full-text index has %d rows, chunks table %d", indexed, chunks)
	}
	// A failed re-index (duplicate chunk) leaves the previous content.
	bad := []advisor.Chunk{{Source: "x", Index: 0, Text: "one"}, {Source: "x", Index: 0, Text: "two"}}
	if err := s.IndexDocuments(ctx, "a", bad); err == nil {
		t.Error("duplicate chunk accepted")
	}
	if ps, err := s.SearchPassages(ctx, "a", "opening hours", 5); err != nil || len(ps) != 1 {
		t.Errorf("after a failed re-index: %v, %v", ps, err)
	}
}
